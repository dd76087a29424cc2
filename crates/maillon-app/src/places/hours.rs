//! Opening hours in the OpenStreetMap `opening_hours` syntax: validation of the syntax
//! the field actually writes (weekdays, public holidays, months and dates, weeks, years,
//! time spans, modifiers, comments) and a plain-French reading for the public pages.

const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const WEEKDAY_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MODIFIERS: [&str; 4] = ["open", "closed", "off", "unknown"];
const VARIABLE_TIMES: [&str; 4] = ["sunrise", "sunset", "dawn", "dusk"];

pub const HOURS_HELP: &str =
    "Format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off";

/// Checks the syntax; the error says, in French, which part is wrong.
pub fn validate(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    for rule in split_rules(text) {
        parse_rule(&rule)
            .map_err(|part| format!("Horaires : « {part} » n'est pas compris. {HOURS_HELP}."))?;
    }
    Ok(())
}

/// One line in French per rule, for the public page; `None` when a rule is beyond what
/// we can say simply (the raw text is then shown).
pub fn describe(text: &str) -> Option<Vec<String>> {
    if validate(text).is_err() || text.trim().is_empty() {
        return None;
    }
    split_rules(text.trim())
        .iter()
        .map(|r| describe_rule(r))
        .collect()
}

/// Splits on `;` and `||`, and on a comma that ends a time list and starts a new rule
/// (`Mo-Fr 09:00-12:00, Sa 10:00-12:00`). Quoted comments are kept whole.
fn split_rules(text: &str) -> Vec<String> {
    let mut rules = Vec::new();
    let mut current = String::new();
    let mut in_comment = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            in_comment = !in_comment;
        }
        let next_starts_rule = || {
            let rest: String = chars[i + 1..].iter().collect();
            let rest = rest.trim_start();
            rest.starts_with(|ch: char| ch.is_ascii_uppercase())
                && current
                    .trim_end()
                    .ends_with(|ch: char| ch.is_ascii_digit() || ch == '+')
        };
        if !in_comment
            && (c == ';'
                || (c == '|' && chars.get(i + 1) == Some(&'|'))
                || (c == ',' && next_starts_rule()))
        {
            rules.push(current.trim().to_string());
            current.clear();
            if c == '|' {
                i += 1;
            }
        } else {
            current.push(c);
        }
        i += 1;
    }
    rules.push(current.trim().to_string());
    rules.into_iter().filter(|r| !r.is_empty()).collect()
}

/// Parses one rule; on error returns the part that could not be read.
fn parse_rule(rule: &str) -> Result<(), String> {
    let (selectors, comment) = match rule.find('"') {
        Some(start) => {
            let rest = &rule[start + 1..];
            if !rest.ends_with('"') {
                return Err(rule.to_string());
            }
            (&rule[..start], Some(&rest[..rest.len() - 1]))
        }
        None => (rule, None),
    };
    if comment.is_some_and(|c| c.contains('"')) {
        return Err(rule.to_string());
    }
    // Spaces after commas are tolerated, as most tools do.
    let normalised = selectors.replace(", ", ",");
    let tokens: Vec<&str> = normalised.split_whitespace().collect();
    let mut i = 0;
    if tokens.first() == Some(&"24/7") {
        i = 1;
    }
    while i < tokens.len() && is_year_selector(tokens[i]) {
        i += 1;
    }
    // A month selector may span two tokens: "Dec 25", "Jan 01-Mar 31".
    if i < tokens.len() && starts_with_month(tokens[i]) {
        let mut j = i + 1;
        while j <= tokens.len() && !is_month_selector(&tokens[i..j].join(" ")) {
            j += 1;
        }
        if j > tokens.len() {
            return Err(tokens[i].to_string());
        }
        // Take the longest reading ("Dec 25" rather than "Dec").
        while j < tokens.len() && is_month_selector(&tokens[i..=j].join(" ")) {
            j += 1;
        }
        i = j;
    }
    if i + 1 < tokens.len() && tokens[i] == "week" {
        if !is_week_selector(tokens[i + 1]) {
            return Err(format!("week {}", tokens[i + 1]));
        }
        i += 2;
    }
    if i < tokens.len() && is_weekday_selector(tokens[i]) {
        i += 1;
    }
    if i < tokens.len() && is_time_selector(tokens[i]) {
        i += 1;
    }
    if i < tokens.len() && MODIFIERS.contains(&tokens[i]) {
        i += 1;
    }
    match tokens.get(i) {
        None if i == 0 && comment.is_none() => Err(rule.to_string()),
        None => Ok(()),
        Some(t) => Err(t.to_string()),
    }
}

fn is_year_selector(t: &str) -> bool {
    t.split(',').all(|item| {
        let parts: Vec<&str> = item.split('-').collect();
        parts.len() <= 2
            && parts
                .iter()
                .all(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_digit()))
    })
}

fn starts_with_month(t: &str) -> bool {
    MONTHS.iter().any(|m| t.starts_with(m))
}

fn is_month_selector(text: &str) -> bool {
    text.split(',').all(|item| {
        let mut parts = item.splitn(2, '-');
        let from = parts.next().unwrap_or("");
        let to = parts.next();
        let from_ok = is_month_date(from);
        match to {
            None => from_ok,
            Some(to) => from_ok && (is_month_date(to) || is_day(to)),
        }
    })
}

/// "Jan", "Jan 05".
fn is_month_date(t: &str) -> bool {
    let mut parts = t.split(' ');
    let month_ok = parts.next().is_some_and(|m| MONTHS.contains(&m));
    let day_ok = parts.next().is_none_or(is_day);
    month_ok && day_ok && parts.next().is_none()
}

fn is_day(t: &str) -> bool {
    t.len() <= 2 && t.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

fn is_week_selector(t: &str) -> bool {
    t.split(',').all(|item| {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        let week = |w: &str| w.parse::<u8>().is_ok_and(|n| (1..=53).contains(&n));
        let range_ok = match range.split_once('-') {
            Some((a, b)) => week(a) && week(b),
            None => week(range),
        };
        range_ok && step.is_none_or(|s| s.parse::<u8>().is_ok())
    })
}

fn weekday_index(t: &str) -> Option<usize> {
    WEEKDAYS.iter().position(|d| *d == t)
}

fn is_weekday_selector(t: &str) -> bool {
    t.split(',').all(|item| {
        if item == "PH" || item == "SH" {
            return true;
        }
        let (day_part, nth) = match item.find('[') {
            Some(p) if item.ends_with(']') => (&item[..p], Some(&item[p + 1..item.len() - 1])),
            Some(_) => return false,
            None => (item, None),
        };
        let days_ok = match day_part.split_once('-') {
            Some((a, b)) => weekday_index(a).is_some() && weekday_index(b).is_some(),
            None => weekday_index(day_part).is_some(),
        };
        let nth_ok = nth.is_none_or(|n| {
            n.split(',').all(|x| {
                let x = x.trim_start_matches('-');
                x.split('-')
                    .all(|y| y.parse::<u8>().is_ok_and(|v| (1..=5).contains(&v)))
            })
        });
        days_ok && nth_ok
    })
}

fn parse_time(t: &str) -> Option<(u32, u32)> {
    let (h, m) = t.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    // Hours past midnight (up to 48:00) are allowed by the syntax.
    (m < 60 && (h < 48 || (h == 48 && m == 0))).then_some((h, m))
}

fn is_time_point(t: &str) -> bool {
    parse_time(t).is_some() || VARIABLE_TIMES.contains(&t)
}

fn is_time_selector(t: &str) -> bool {
    t.split(',').all(|span| {
        let span = span.strip_suffix('+').unwrap_or(span);
        match span.split_once('-') {
            Some((a, b)) => is_time_point(a) && is_time_point(b),
            None => is_time_point(span),
        }
    })
}

fn time_fr(t: &str) -> String {
    match parse_time(t) {
        Some((h, 0)) => format!("{h} h"),
        Some((h, m)) => format!("{h} h {m:02}"),
        None => match t {
            "sunrise" => "lever du soleil".into(),
            "sunset" => "coucher du soleil".into(),
            "dawn" => "aube".into(),
            _ => "crépuscule".into(),
        },
    }
}

fn describe_rule(rule: &str) -> Option<String> {
    if rule.contains('"') {
        return None;
    }
    let normalised = rule.replace(", ", ",");
    let tokens: Vec<&str> = normalised.split_whitespace().collect();
    if tokens == ["24/7"] {
        return Some("Ouvert tous les jours, 24 h sur 24".into());
    }
    let mut days = None;
    let mut times = None;
    let mut closed = false;
    for t in &tokens {
        if is_weekday_selector(t) && days.is_none() {
            days = Some(describe_days(t)?);
        } else if is_time_selector(t) && times.is_none() {
            let spans: Vec<String> = t
                .split(',')
                .map(|s| match s.split_once('-') {
                    Some((a, b)) => {
                        format!("de {} à {}", time_fr(a), time_fr(b.trim_end_matches('+')))
                    }
                    None => format!("à partir de {}", time_fr(s.trim_end_matches('+'))),
                })
                .collect();
            times = Some(spans.join(" et "));
        } else if *t == "off" || *t == "closed" {
            closed = true;
        } else if *t != "open" {
            return None;
        }
    }
    let days = days.unwrap_or_else(|| "Tous les jours".into());
    Some(match (closed, times) {
        (true, _) => format!("{days} : fermé"),
        (false, Some(t)) => format!("{days} : {t}"),
        (false, None) => format!("{days} : ouvert"),
    })
}

fn describe_days(selector: &str) -> Option<String> {
    let parts: Option<Vec<String>> = selector
        .split(',')
        .map(|item| match item {
            "PH" => Some("jours fériés".to_string()),
            "SH" => Some("vacances scolaires".to_string()),
            _ if item.contains('[') => None,
            _ => match item.split_once('-') {
                Some((a, b)) => Some(format!(
                    "du {} au {}",
                    WEEKDAY_FR[weekday_index(a)?],
                    WEEKDAY_FR[weekday_index(b)?]
                )),
                None => Some(WEEKDAY_FR[weekday_index(item)?].to_string()),
            },
        })
        .collect();
    let text = parts?.join(", ");
    let mut chars = text.chars();
    Some(
        chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_field_writes() {
        for ok in [
            "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
            "Mo-Fr 09:00-12:00, 14:00-18:00; PH off",
            "24/7",
            "Tu,Th 14:00-17:00",
            "Mo-Fr 09:00-12:00, Sa 10:00-12:00",
            "Jan-Jun Mo-Fr 09:00-17:00; Jul-Aug off",
            "Dec 25 off",
            "Mo[1] 10:00-12:00",
            "Mo-Sa 09:00-12:00 \"sur rendez-vous l'après-midi\"",
            "week 01-26 We 14:00-16:00",
            "2026 Mo 09:00-12:00",
            "Fr 18:00-02:00",
            "Sa 10:00+",
            "Mo-Fr 08:00-12:00 || \"sur rendez-vous\"",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_is_not_the_syntax() {
        for bad in [
            "lundi 9h-12h",
            "Mo-Fr 9:00-12:00",
            "Mo-Fr 09:00-25:00x",
            "Mo-Xx 09:00-12:00",
            "Mo-Fr 09:00-12:60",
            "Mo-Fr 09:00-12:00 \"oops",
            "Mo-Fr 09:00 12:00",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_in_french() {
        assert_eq!(
            describe("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; PH off").unwrap(),
            vec![
                "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 18 h 30",
                "Samedi : de 8 h 30 à 12 h",
                "Jours fériés : fermé",
            ]
        );
        assert_eq!(describe("Dec 25 off"), None);
    }
}
