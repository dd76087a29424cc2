//! One breakdown of the statistics (labelled values) and its bar chart, laid out here so
//! that templates only place numbers.

use super::vocab::Choice;

/// One breakdown: labelled values, in display order.
#[derive(Clone, Debug, Default)]
pub struct Breakdown {
    pub title: &'static str,
    pub rows: Vec<(String, i64)>,
}

/// One bar of an SVG chart, laid out here so that templates only place numbers.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub y: usize,
    pub width: i64,
}

pub const BAR_STEP: usize = 26;
const BAR_SPACE: i64 = 300;

impl Breakdown {
    pub fn bars(&self) -> Vec<Bar> {
        let max = self.max();
        self.rows
            .iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let mut short: String = label.chars().take(32).collect();
                if label.chars().count() > 32 {
                    short.push('…');
                }
                Bar {
                    label: short,
                    value: *value,
                    y: i * BAR_STEP,
                    width: (value * BAR_SPACE / max).max(1),
                }
            })
            .collect()
    }

    pub fn height(&self) -> usize {
        self.rows.len() * BAR_STEP
    }

    /// A share of the total, in whole percent, for the tables.
    pub fn percent(&self, value: &i64) -> i64 {
        let total = self.total();
        if total == 0 {
            0
        } else {
            (value * 100 + total / 2) / total
        }
    }

    pub fn max(&self) -> i64 {
        self.rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1)
    }

    pub fn total(&self) -> i64 {
        self.rows.iter().map(|(_, n)| *n).sum()
    }
}

/// Rows in the vocabulary's order, with its labels; codes outside it are left out.
pub(crate) fn labelled(
    title: &'static str,
    list: &[Choice],
    counts: &[(String, i64)],
) -> Breakdown {
    let rows = list
        .iter()
        .filter_map(|(code, label)| {
            counts
                .iter()
                .find(|(k, _)| k == code)
                .map(|(_, n)| (label.to_string(), *n))
        })
        .collect();
    Breakdown { title, rows }
}

/// Free values (places, communes), largest first, with a label for empty keys.
pub(crate) fn ranked(
    title: &'static str,
    mut counts: Vec<(String, i64)>,
    empty: &str,
) -> Breakdown {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Breakdown {
        title,
        rows: counts
            .into_iter()
            .map(|(k, n)| (if k.is_empty() { empty.to_string() } else { k }, n))
            .collect(),
    }
}

const MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

pub(crate) fn month_label(key: &str) -> String {
    let month = key
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(1);
    format!(
        "{} {}",
        MONTHS[(month - 1).min(11)],
        key.get(..4).unwrap_or("")
    )
}
