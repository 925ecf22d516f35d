//! Cursors of the lists that page after the last row shown by its id
//! (opportunities, contracts, payments, products): the next page starts
//! where that row stands in the list's order. A cursor names the sort it
//! was made under, so one made under another sort is refused instead of
//! starting a page at a place that order does not have.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::FieldError;
use kuijing_domain::fields::FieldDef;
use kuijing_store::lists::{Shown, Sort, null_cursor_value};
use sea_query::SimpleExpr;
use serde::Serialize;

use crate::error::{Result, ServiceError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How a column orders its rows.
#[derive(Clone, Copy)]
pub(crate) enum By {
    /// By the value it keeps.
    Plain,
    /// By its text, case aside.
    Text,
    /// By what the row it points at shows.
    Shown(Shown),
    /// By a value worked out from the row, text when the flag says so.
    Computed(fn() -> SimpleExpr, bool),
}

/// How a sort value reads from a row as the API shows it.
#[derive(Clone, Copy)]
pub(crate) enum Read {
    Int,
    /// A status code, as its place in the business order.
    Rank(fn(&str) -> Option<i64>),
    Text,
    Bool,
    Day,
    Time,
}

/// A column a list sorts by: its name in the API, the table's column, how
/// it orders, and the field of the shown row its value is read from.
pub(crate) struct Column<C: 'static> {
    pub name: &'static str,
    pub column: C,
    pub by: By,
    pub field: &'static str,
    pub read: Read,
}

/// The sort a list asks for: a column or a custom field (`custom.<key>`),
/// `-` first for descending; `default` when blank.
pub(crate) fn parse_sort<C: Copy>(
    columns: &[Column<C>],
    (id, default): (C, Sort<C>),
    defs: &[FieldDef],
    text: Option<&str>,
) -> Result<Sort<C>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    let (descending, name) = match text.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, text),
    };
    let sort = if name == "id" {
        Some(Sort::by(id, descending))
    } else if let Some(key) = name.strip_prefix("custom.") {
        crate::list_filters::custom_sort(defs, key, id, descending)
    } else {
        columns.iter().find(|c| c.name == name).map(|c| {
            let sort = Sort::by(c.column, descending);
            match c.by {
                By::Plain => sort,
                By::Text => sort.as_text(),
                By::Shown(shown) => sort.showing(Some(shown)),
                By::Computed(value, text) => {
                    let sort = sort.computed(value());
                    if text { sort.as_text() } else { sort }
                }
            }
        })
    };
    sort.ok_or_else(|| {
        let mut keys: Vec<String> = columns.iter().map(|c| c.name.to_string()).collect();
        keys.push("id".into());
        keys.extend(defs.iter().map(|d| format!("custom.{}", d.key)));
        let error = FieldError::new("sort", "sort_not_accepted")
            .with("value", name)
            .with("values", keys.join(", "));
        ServiceError::Invalid(error.into())
    })
}

/// The sort value of the row a page starts after, read from the row as
/// the API shows it and typed as its column.
pub(crate) fn anchor_value<C>(
    columns: &[Column<C>],
    sort: &Sort<C>,
    text: Option<&str>,
    row: &impl Serialize,
) -> sea_query::Value {
    let shown = serde_json::to_value(row).unwrap_or_default();
    if let Some((key, how)) = &sort.custom {
        let custom = shown
            .get("custom")
            .and_then(|c| c.as_object())
            .cloned()
            .unwrap_or_default();
        return crate::list_filters::custom_after(&custom, key, *how);
    }
    let name = text.unwrap_or_default().trim().trim_start_matches('-');
    let Some(column) = columns.iter().find(|c| c.name == name) else {
        // The id: the cursor's own id is its value.
        return shown.get("id").and_then(|v| v.as_i64()).into();
    };
    let value = shown.get(column.field).filter(|v| !v.is_null());
    let typed = value.and_then(|value| match column.read {
        Read::Int => value.as_i64().map(sea_query::Value::from),
        Read::Rank(rank) => value.as_str().and_then(rank).map(sea_query::Value::from),
        Read::Text => value.as_str().map(|t| t.to_string().into()),
        Read::Bool => value.as_bool().map(sea_query::Value::from),
        Read::Day => NaiveDate::parse_from_str(value.as_str()?, "%Y-%m-%d")
            .ok()
            .map(sea_query::Value::from),
        Read::Time => DateTime::parse_from_rfc3339(value.as_str()?)
            .ok()
            .map(|t| t.with_timezone(&Utc).into()),
    });
    typed.unwrap_or_else(null_cursor_value)
}

/// The sort a list names, `-` first when descending; none for the
/// default order.
fn tag(sort: Option<&str>) -> &str {
    sort.map(str::trim).unwrap_or_default()
}

/// The next page's cursor: the last row's id, then `~` and the sort when
/// the list names one, then `~` and that row's sort value, so the next page
/// starts where the row stood even if it changes or goes in between.
pub fn anchor_cursor(
    next: Option<String>,
    sort: Option<&str>,
    value: Option<sea_query::Value>,
) -> Option<String> {
    let tag = tag(sort);
    next.map(|id| {
        if tag.is_empty() {
            return id;
        }
        match value.as_ref().and_then(encode_value) {
            Some(value) => format!("{id}~{tag}~{value}"),
            None => format!("{id}~{tag}"),
        }
    })
}

/// The id of the row a page starts after, from a cursor made under `sort`.
/// Blank is the first page; text that is no cursor, or one made under
/// another sort, is refused naming the `cursor` parameter.
pub fn anchor_of(cursor: Option<&str>, sort: Option<&str>) -> Result<Option<i64>> {
    let Some(cursor) = cursor.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let refused =
        |code: &'static str| ServiceError::Invalid(FieldError::new("cursor", code).into());
    let (id, rest) = cursor.split_once('~').unwrap_or((cursor, ""));
    let (made_under, value) = rest.split_once('~').unwrap_or((rest, ""));
    let id: i64 = id.parse().map_err(|_| refused("cursor_invalid"))?;
    if made_under != tag(sort) {
        return Err(refused("cursor_other_sort"));
    }
    if !value.is_empty() && decode_value(value).is_none() {
        return Err(refused("cursor_invalid"));
    }
    Ok(Some(id))
}

/// The page a cursor made under `sort` asks for (see [`anchor_of`]), with
/// the sort value it carries.
pub fn page_of(
    cursor: Option<&str>,
    sort: Option<&str>,
    limit: Option<u64>,
) -> Result<crate::PageRequest> {
    Ok(crate::PageRequest {
        cursor: anchor_of(cursor, sort)?,
        limit,
        anchor: carried_text(cursor),
    })
}

/// The sort value a cursor carries, as `PageRequest::anchor` keeps it.
pub fn carried_text(cursor: Option<&str>) -> Option<String> {
    let (_, rest) = cursor?.trim().split_once('~')?;
    let (_, value) = rest.split_once('~')?;
    (!value.is_empty()).then(|| value.to_string())
}

/// The sort value the page's cursor carries, if it carries one (cursors
/// made before they did are read by looking their row up).
pub(crate) fn carried(page: &crate::PageRequest) -> Option<sea_query::Value> {
    decode_value(page.anchor.as_deref()?)
}

/// The row a next page starts after: the last one shown, when more follow.
pub(crate) fn last_shown<T>(found: &[T], limit: u64) -> Option<&T> {
    if found.len() as u64 > limit {
        found.get(usize::try_from(limit).ok()?.checked_sub(1)?)
    } else {
        None
    }
}

/// A sort value as cursor text: its type and value as JSON, in URL-safe
/// base64. Values of other types are not carried.
fn encode_value(value: &sea_query::Value) -> Option<String> {
    use sea_query::Value as V;
    let tagged = match value {
        V::String(None) => serde_json::json!(["n"]),
        V::String(Some(text)) => serde_json::json!(["s", text.as_str()]),
        V::BigInt(Some(n)) => serde_json::json!(["i", n]),
        V::Int(Some(n)) => serde_json::json!(["i", n]),
        V::Bool(Some(flag)) => serde_json::json!(["b", flag]),
        V::Double(Some(n)) => serde_json::json!(["f", n]),
        V::ChronoDate(Some(day)) => serde_json::json!(["d", day.to_string()]),
        V::ChronoDateTimeUtc(Some(at)) => serde_json::json!(["t", at.to_rfc3339()]),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(tagged.to_string()))
}

fn decode_value(text: &str) -> Option<sea_query::Value> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let tagged: Vec<serde_json::Value> = serde_json::from_slice(&bytes).ok()?;
    let value = tagged.get(1);
    Some(match tagged.first()?.as_str()? {
        "n" => null_cursor_value(),
        "s" => value?.as_str()?.to_string().into(),
        "i" => value?.as_i64()?.into(),
        "b" => value?.as_bool()?.into(),
        "f" => value?.as_f64()?.into(),
        "d" => NaiveDate::parse_from_str(value?.as_str()?, "%Y-%m-%d")
            .ok()?
            .into(),
        "t" => DateTime::parse_from_rfc3339(value?.as_str()?)
            .ok()?
            .with_timezone(&Utc)
            .into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_carries_its_sort() {
        let next = anchor_cursor(Some("42".into()), Some("-amount"), None);
        assert_eq!(next.as_deref(), Some("42~-amount"));
        assert_eq!(
            anchor_of(next.as_deref(), Some("-amount")).expect("same sort"),
            Some(42)
        );
        assert_eq!(
            anchor_cursor(Some("7".into()), None, Some(5i64.into())).as_deref(),
            Some("7")
        );
        assert_eq!(anchor_of(Some("7"), None).expect("default sort"), Some(7));
        assert_eq!(anchor_of(Some(" "), Some("name")).expect("blank"), None);
    }

    #[test]
    fn a_cursor_carries_the_rows_sort_value() {
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).expect("day");
        for value in [
            sea_query::Value::from(1234i64),
            sea_query::Value::from("Ünïcode 名稱 ~ / +".to_string()),
            sea_query::Value::from(true),
            sea_query::Value::from(day),
            null_cursor_value(),
        ] {
            let next =
                anchor_cursor(Some("9".into()), Some("name"), Some(value.clone())).expect("cursor");
            assert!(
                next.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_~".contains(c)),
                "{next}"
            );
            assert_eq!(
                anchor_of(Some(&next), Some("name")).expect("same sort"),
                Some(9)
            );
            let page = crate::PageRequest {
                anchor: carried_text(Some(&next)),
                ..crate::PageRequest::default()
            };
            assert_eq!(carried(&page), Some(value), "{next}");
        }
        assert!(anchor_of(Some("9~name~%%%"), Some("name")).is_err());
    }

    #[test]
    fn a_cursor_of_another_sort_is_refused() {
        for (cursor, sort) in [
            ("42~-amount", Some("amount")),
            ("42~-amount", None),
            ("42", Some("name")),
            ("x~name", Some("name")),
        ] {
            let ServiceError::Invalid(errors) = anchor_of(Some(cursor), sort).expect_err("refused")
            else {
                panic!("{cursor} under {sort:?} should be refused");
            };
            assert!(format!("{errors:?}").contains("cursor"), "{errors:?}");
        }
    }
}
