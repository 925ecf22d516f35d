//! The operators of filters, read once for the customer list and the report
//! builder: which operators a kind of field takes, and what an operator with
//! its value means (a text, a list of ids, a range of days or numbers).

use chrono::{Datelike, NaiveDate};
use kuijing_domain::dates::{Period, parse_date};
use serde_json::Value;

/// What a field holds, as far as filtering goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// Ids of records or options (users, departments, choices, stages).
    Ids,
    /// Texts of a custom choice field's options.
    Options,
    Bool,
    /// Instants, filtered by the company's calendar days.
    Instant,
    /// Calendar days.
    Day,
    /// Numbers and money, as exact decimals.
    Number,
}

const TEXT: &[&str] = &["contains", "equals", "is_empty", "not_empty"];
const IDS: &[&str] = &["one_of", "is_empty", "not_empty"];
const BOOL: &[&str] = &["equals"];
const NUMBER: &[&str] = &["between", "equals", "is_empty", "not_empty"];
const DAYS: &[&str] = &[
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
    "between",
    "is_empty",
    "not_empty",
];

impl ValueKind {
    /// The operators a field of this kind offers, in the order a form shows them.
    pub fn operators(self) -> &'static [&'static str] {
        match self {
            Self::Text => TEXT,
            Self::Ids | Self::Options => IDS,
            Self::Bool => BOOL,
            Self::Number => NUMBER,
            Self::Instant | Self::Day => DAYS,
        }
    }
}

/// What a condition asks, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The text contains this (normalised: NFKC, lowercase, single spaces).
    Contains(String),
    /// The text equals this, as typed (trimmed).
    Equals(String),
    OneOf(Vec<i64>),
    OneOfText(Vec<String>),
    Flag(bool),
    Empty,
    NotEmpty,
    /// Days `[from, to)`, either end open.
    Days(Option<NaiveDate>, Option<NaiveDate>),
    /// Numbers from and to, both included, as decimal text; either end open.
    Numbers(Option<String>, Option<String>),
}

/// Reads an operator and its value for a kind of field. The error is a
/// message code for the condition: `operator_unknown` or `invalid_value`.
pub fn read(
    kind: ValueKind,
    op: &str,
    value: Option<&Value>,
    today: NaiveDate,
) -> Result<Test, &'static str> {
    // Older report definitions say `eq` and `empty`.
    let op = match op {
        "eq" => "equals",
        "empty" => "is_empty",
        other => other,
    };
    // A list of ids or options also takes `equals` for one of them.
    let listed = matches!(kind, ValueKind::Ids | ValueKind::Options) && op == "equals";
    if !(kind.operators().contains(&op) || listed) {
        return Err("operator_unknown");
    }
    if let Some(period) = Period::parse(op) {
        let (from, to) = period.range(today);
        return Ok(Test::Days(Some(from), Some(to)));
    }
    match (op, kind) {
        ("is_empty", _) => Ok(Test::Empty),
        ("not_empty", _) => Ok(Test::NotEmpty),
        ("contains", _) => {
            let text = kuijing_domain::text::normalize(&text_of(value));
            if text.is_empty() {
                return Err("text_to_find");
            }
            Ok(Test::Contains(text))
        }
        ("equals", ValueKind::Text) => Ok(Test::Equals(text_of(value).trim().to_string())),
        ("equals", ValueKind::Bool) => match value {
            Some(Value::Bool(flag)) => Ok(Test::Flag(*flag)),
            Some(Value::String(s)) => match s.trim() {
                "true" | "1" | "yes" => Ok(Test::Flag(true)),
                "false" | "0" | "no" => Ok(Test::Flag(false)),
                _ => Err("yes_or_no"),
            },
            Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Test::Flag(true)),
            Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Test::Flag(false)),
            _ => Err("yes_or_no"),
        },
        ("equals", ValueKind::Number) => {
            let number = number_of(Some(&text_of(value)))
                .ok()
                .flatten()
                .ok_or("number_to_compare")?;
            Ok(Test::Numbers(Some(number.clone()), Some(number)))
        }
        ("one_of" | "equals", ValueKind::Ids) => {
            let ids = ids_of(value).ok_or("choose_values")?;
            Ok(Test::OneOf(ids))
        }
        ("one_of" | "equals", ValueKind::Options) => {
            let texts: Vec<String> = match value {
                Some(Value::Array(items)) => items.iter().map(text_of_one).collect(),
                Some(other) => vec![text_of_one(other)],
                None => Vec::new(),
            };
            let texts: Vec<String> = texts
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            if texts.is_empty() {
                return Err("choose_values");
            }
            Ok(Test::OneOfText(texts))
        }
        ("between", ValueKind::Day | ValueKind::Instant) => {
            let (from, to) = bounds(value);
            // A date of no form read (`01012024`) is named apart from one
            // that does not exist (`2024-02-30`).
            let day = |text: Option<String>,
                       (bad, unread): (&'static str, &'static str)|
             -> Result<Option<NaiveDate>, &'static str> {
                match text.as_deref().map(str::trim) {
                    None | Some("") => Ok(None),
                    Some(text) => match parse_date(text) {
                        Ok(day) if kuijing_domain::dates::YEARS.contains(&day.year()) => {
                            Ok(Some(day))
                        }
                        Ok(_) => Err("range_day_out_of_years"),
                        Err("date_unreadable" | "date_year_last") => Err(unread),
                        Err(_) => Err(bad),
                    },
                }
            };
            let (from, to) = (
                day(from, ("range_from_not_day", "range_from_unreadable"))?,
                day(to, ("range_to_not_day", "range_to_unreadable"))?,
            );
            if from.is_none() && to.is_none() {
                return Err("range_empty");
            }
            if let (Some(a), Some(b)) = (from, to)
                && b < a
            {
                return Err("range_reversed");
            }
            Ok(Test::Days(from, to.map(|d| d + chrono::Duration::days(1))))
        }
        ("between", ValueKind::Number) => {
            let (from, to) = bounds(value);
            let from = number_of(from.as_deref()).map_err(|_| "range_from_not_number")?;
            let to = number_of(to.as_deref()).map_err(|_| "range_to_not_number")?;
            if from.is_none() && to.is_none() {
                return Err("range_empty");
            }
            if let (Some(a), Some(b)) = (&from, &to)
                && let (Ok(a), Ok(b)) = (a.parse::<f64>(), b.parse::<f64>())
                && b < a
            {
                return Err("range_reversed");
            }
            Ok(Test::Numbers(from, to))
        }
        _ => Err("operator_unknown"),
    }
}

fn text_of_one(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn text_of(value: Option<&Value>) -> String {
    value
        .map(kuijing_domain::fields::display)
        .unwrap_or_default()
}

/// Ids from a number, an array, or text such as `3, 5`.
fn ids_of(value: Option<&Value>) -> Option<Vec<i64>> {
    let ids: Option<Vec<i64>> = match value? {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .collect(),
        Value::Number(n) => n.as_i64().map(|n| vec![n]),
        Value::String(s) => s
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect(),
        _ => None,
    };
    ids.filter(|ids| !ids.is_empty())
}

/// The `from` and `to` of a range: an object, or one text for `from`.
fn bounds(value: Option<&Value>) -> (Option<String>, Option<String>) {
    let part = |key: &str| {
        value
            .and_then(|v| v.get(key))
            .map(text_of_one)
            .filter(|t| !t.trim().is_empty())
    };
    match value {
        Some(Value::Object(_)) => (part("from"), part("to")),
        Some(Value::String(s)) if !s.trim().is_empty() => (Some(s.clone()), None),
        Some(Value::Number(n)) => (Some(n.to_string()), None),
        _ => (None, None),
    }
}

/// A decimal as typed (full-width digits and thousands separators read),
/// or none when blank.
fn number_of(text: Option<&str>) -> Result<Option<String>, &'static str> {
    let Some(text) = text else {
        return Ok(None);
    };
    let folded = kuijing_domain::text::normalize(text).replace([',', ' '], "");
    if folded.is_empty() {
        return Ok(None);
    }
    let digits = folded.strip_prefix('-').unwrap_or(&folded);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(fraction) || digits.ends_with('.') {
        return Err("invalid_value");
    }
    Ok(Some(folded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, 15).expect("day")
    }

    #[test]
    fn periods_and_ranges_become_half_open_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            read(ValueKind::Instant, "last_month", None, today()),
            Ok(Test::Days(day(2024, 4, 1), day(2024, 5, 1)))
        );
        assert_eq!(
            read(
                ValueKind::Day,
                "between",
                Some(&json!({"from": "2024-01-01", "to": "2024-01-31"})),
                today()
            ),
            Ok(Test::Days(day(2024, 1, 1), day(2024, 2, 1)))
        );
        assert_eq!(
            read(
                ValueKind::Day,
                "between",
                Some(&json!({"from": "2024-02-01", "to": "2024-01-31"})),
                today()
            ),
            Err("range_reversed")
        );
    }

    #[test]
    fn ranges_say_which_side_is_wrong_and_take_one_side() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let range = |kind, from: &str, to: &str| {
            read(
                kind,
                "between",
                Some(&json!({"from": from, "to": to})),
                today(),
            )
        };
        assert_eq!(
            range(ValueKind::Day, "2024-01-01", ""),
            Ok(Test::Days(day(2024, 1, 1), None))
        );
        assert_eq!(
            range(ValueKind::Number, "", "10"),
            Ok(Test::Numbers(None, Some("10".into())))
        );
        assert_eq!(range(ValueKind::Day, "", " "), Err("range_empty"));
        assert_eq!(range(ValueKind::Day, "x", ""), Err("range_from_unreadable"));
        // A day with the year last exists; its form is what is not read.
        assert_eq!(
            range(ValueKind::Day, "12/01/2027", ""),
            Err("range_from_unreadable")
        );
        assert_eq!(
            range(ValueKind::Day, "2024-02-30", ""),
            Err("range_from_not_day")
        );
        assert_eq!(
            range(ValueKind::Instant, "2024-01-01", "2024-13-01"),
            Err("range_to_not_day")
        );
        assert_eq!(
            range(ValueKind::Day, "1899-12-31", ""),
            Err("range_day_out_of_years")
        );
        assert_eq!(
            range(ValueKind::Number, "5", "x"),
            Err("range_to_not_number")
        );
        assert_eq!(range(ValueKind::Number, "10", "9.5"), Err("range_reversed"));
        assert_eq!(
            range(ValueKind::Number, "9.5", "10"),
            Ok(Test::Numbers(Some("9.5".into()), Some("10".into())))
        );
    }

    #[test]
    fn operators_that_do_not_fit_the_field_are_refused() {
        assert_eq!(
            read(ValueKind::Ids, "contains", Some(&json!("a")), today()),
            Err("operator_unknown")
        );
        assert_eq!(
            read(ValueKind::Number, "this_month", None, today()),
            Err("operator_unknown")
        );
        assert_eq!(
            read(ValueKind::Text, "contains", Some(&json!("  ")), today()),
            Err("text_to_find")
        );
    }

    #[test]
    fn numbers_ids_and_flags_are_read_as_people_type_them() {
        assert_eq!(
            read(
                ValueKind::Number,
                "between",
                Some(&json!({"from": "１,000", "to": ""})),
                today()
            ),
            Ok(Test::Numbers(Some("1000".into()), None))
        );
        assert_eq!(
            read(ValueKind::Ids, "one_of", Some(&json!("3, 5")), today()),
            Ok(Test::OneOf(vec![3, 5]))
        );
        assert_eq!(
            read(ValueKind::Ids, "eq", Some(&json!(7)), today()),
            Ok(Test::OneOf(vec![7]))
        );
        assert_eq!(
            read(ValueKind::Bool, "eq", Some(&json!("true")), today()),
            Ok(Test::Flag(true))
        );
        assert_eq!(
            read(
                ValueKind::Number,
                "between",
                Some(&json!({"from": "abc"})),
                today()
            ),
            Err("range_from_not_number")
        );
    }
}
