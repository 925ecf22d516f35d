//! What an import does with a cell's text: cleaned, and on an update kept
//! as stored where the file writes the same value another way.

use chrono::{DateTime, Utc};
use kuijing_domain::{builtin_names, text};
use kuijing_store::options;
use serde_json::{Map, Value};

/// Trims, decodes HTML entities (`&#20870;`), and drops padding.
pub(crate) fn clean_text(cell: &str) -> String {
    let decoded = html_escape::decode_html_entities(cell);
    decoded
        .trim_matches(|c: char| c.is_whitespace())
        .to_string()
}

/// An update from a file fills what the file has and keeps the rest.
pub(crate) fn keep(new: Option<String>, old: &Option<String>) -> Option<String> {
    new.or_else(|| old.clone())
}

/// A phone of an update: the stored one when the file writes the same
/// number another way (`(02)27710001` for `02-2771-0001`), so an unchanged
/// record is not rewritten; else as [`keep`].
pub(crate) fn keep_phone(new: Option<String>, old: &Option<String>) -> Option<String> {
    keep_same(new, old, kuijing_domain::company::same_phone)
}

/// A postal code of an update: the stored one when the file's has the same
/// digits (`100-01` for `10001`, full-width); else as [`keep`].
pub(crate) fn keep_postcode(new: Option<String>, old: &Option<String>) -> Option<String> {
    use kuijing_domain::postal::postcode_key;
    keep_same(new, old, |a, b| postcode_key(a) == postcode_key(b))
}

/// A tax ID or e-mail of an update: the stored one when the file's is the
/// same but for width, case, spaces and hyphens; else as [`keep`].
pub(crate) fn keep_code(new: Option<String>, old: &Option<String>) -> Option<String> {
    let key = |code: &str| text::normalize(code).replace([' ', '-'], "");
    keep_same(new, old, |a, b| key(a) == key(b))
}

fn keep_same(
    new: Option<String>,
    old: &Option<String>,
    same: impl Fn(&str, &str) -> bool,
) -> Option<String> {
    match (&new, old) {
        (Some(new), Some(stored)) if same(new, stored) => Some(stored.clone()),
        _ => keep(new, old),
    }
}

/// A time of an update: the file's, unless it is the stored one as an
/// export writes it (to the minute), which keeps the stored one so an
/// export imported again changes nothing.
pub(crate) fn keep_time(
    new: Option<DateTime<Utc>>,
    old: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match (new, old) {
        (Some(new), Some(old))
            if new.timestamp().div_euclid(60) == old.timestamp().div_euclid(60) =>
        {
            Some(old)
        }
        (Some(new), _) => Some(new),
        (None, old) => old,
    }
}

/// Custom values of an update: the stored ones, overwritten by the file's.
pub(crate) fn merged_custom(
    old: &Map<String, Value>,
    new: Map<String, Value>,
) -> Map<String, Value> {
    let mut custom = old.clone();
    custom.extend(new);
    custom
}

/// A custom value as the file writes it, made what its field reads: a date
/// and time with an offset (`2027-03-01T14:30:00+08:00`) in a date column is
/// the date it is in the company's time zone, and a local date and time in a
/// date-time column (`2027-03-01 14:30`) is the instant it is in that zone.
pub(crate) fn custom_cell(
    def: Option<&kuijing_domain::fields::FieldDef>,
    cell: &str,
    zone: chrono_tz::Tz,
) -> String {
    use kuijing_domain::dates;
    use kuijing_domain::fields::FieldType;
    match def.map(|d| d.field_type) {
        Some(FieldType::Date) => match dates::parse_offset_date_time(cell) {
            Some(at) => at.with_timezone(&zone).format("%Y-%m-%d").to_string(),
            None => cell.to_string(),
        },
        Some(FieldType::DateTime) => {
            let at = dates::parse_offset_date_time(cell)
                .map(|at| at.with_timezone(&Utc))
                .or_else(|| {
                    dates::parse_date_time(cell)
                        .ok()
                        .and_then(|t| t.and_local_timezone(zone).earliest())
                        .map(|local| local.with_timezone(&Utc))
                });
            match at {
                Some(at) => at.to_rfc3339(),
                None => cell.to_string(),
            }
        }
        _ => cell.to_string(),
    }
}

/// The `choices` a refused choice's message lists, joined as the importing
/// user's language joins a list.
pub(crate) fn not_a_choice<S: AsRef<str>>(options: &[S], locale: &str) -> (String, String) {
    use kuijing_domain::choices;
    (
        "choices".to_string(),
        choices::listed(options, choices::separator(locale)),
    )
}

/// The option of a choice field (named as the importing user is shown
/// them) that `text` names: as [`kuijing_domain::choices::find_option`]
/// finds it, else a built-in option by its name in another of the
/// product's languages (a file written in Simplified Chinese for a company
/// that started in Traditional finds 資訊科技 by 信息技术).
pub(super) fn find_choice(options: &[&options::OptionRow], text: &str) -> Option<i64> {
    let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
    if let Some(at) = kuijing_domain::choices::find_option(&labels, text) {
        return Some(options[at].id);
    }
    builtin_names::LANGUAGES.iter().find_map(|language| {
        let shown: Vec<&str> = options
            .iter()
            .map(|o| {
                builtin_names::option_label(
                    (&o.kind, &o.field),
                    o.builtin_key.as_deref(),
                    &o.label,
                    language,
                )
            })
            .collect();
        let at = kuijing_domain::choices::find_option(&shown, text)?;
        Some(options[at].id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_value_written_another_way_keeps_the_stored_one() {
        let stored = Some("02-2771-0001".to_string());
        assert_eq!(keep_phone(Some("(02)27710001".into()), &stored), stored);
        assert_eq!(
            keep_phone(Some("02-2771-0002".into()), &stored).as_deref(),
            Some("02-2771-0002")
        );
        assert_eq!(keep_phone(None, &stored), stored);
        let code = Some("100-01".to_string());
        assert_eq!(keep_postcode(Some("10001".into()), &code), code);
        let tax = Some("12345678".to_string());
        assert_eq!(keep_code(Some("１２３４ ５６７８".into()), &tax), tax);
        let email = Some("a@x.tw".to_string());
        assert_eq!(keep_code(Some("A@X.TW".into()), &email), email);
    }

    #[test]
    fn html_entities_and_padding_are_cleaned() {
        assert_eq!(
            clean_text("  &#20870;星科技股份有限公司 "),
            "円星科技股份有限公司"
        );
    }
}
