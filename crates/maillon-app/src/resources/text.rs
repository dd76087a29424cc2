//! Text blocks are written in a small Markdown (headings, lists, links, bold, italic) and
//! shown as HTML that can never carry a script: HTML typed by the author is shown as
//! text, links other than http(s) and mailto lose their link, images are not loaded
//! (their description stays). Headings start at level 3, under the page's own.
//! Filtering the parser's events is the whole sanitiser (decision 0012): the renderer
//! escapes every text it writes.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn safe_link(url: &str) -> bool {
    super::model::is_web_url(url) || url.starts_with("mailto:") && !url.contains(['<', '>', '"'])
}

fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

pub fn to_html(markdown: &str) -> String {
    // Which open links were kept, to drop the end of those that were not.
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|e| {
        Some(match e {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::Heading { level, .. }) => Event::Start(Tag::Heading {
                level: lower(level),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = safe_link(&dest_url);
                links.push(keep);
                if !keep {
                    return None;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => {
                if !links.pop().unwrap_or(false) {
                    return None;
                }
                Event::End(TagEnd::Link)
            }
            // An image's description stays as text; the image is not loaded.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => return None,
            other => other,
        })
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn formatting_is_kept_and_scripts_never_run() {
        let html = to_html("# Étapes\n\n- **Allumer** la tablette\n- ouvrir *Paramètres*\n\n[Aide](https://solidarite-numerique.fr)");
        assert!(html.contains("<h3>Étapes</h3>"), "{html}");
        assert!(
            html.contains("<li><strong>Allumer</strong> la tablette</li>"),
            "{html}"
        );
        assert!(html.contains("<em>Paramètres</em>"), "{html}");
        assert!(
            html.contains("<a href=\"https://solidarite-numerique.fr\">Aide</a>"),
            "{html}"
        );

        let html = to_html("<script>alert(1)</script>\n\nBonjour <img src=x onerror=alert(2)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");

        let html = to_html("[clic](javascript:alert(1)) et ![photo](https://x.fr/a.png)");
        assert!(!html.contains("href"), "{html}");
        assert!(html.contains("clic"), "{html}");
        assert!(html.contains("photo"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }
}
