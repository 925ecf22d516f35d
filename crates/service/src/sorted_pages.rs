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
    sort.ok_or_else(|| ServiceError::Invalid(FieldError::new("sort", "invalid_choice").into()))
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
/// the list names one.
pub fn anchor_cursor(next: Option<String>, sort: Option<&str>) -> Option<String> {
    let tag = tag(sort);
    next.map(|id| {
        if tag.is_empty() {
            id
        } else {
            format!("{id}~{tag}")
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
    let (id, made_under) = cursor.split_once('~').unwrap_or((cursor, ""));
    let id: i64 = id.parse().map_err(|_| refused("cursor_invalid"))?;
    if made_under != tag(sort) {
        return Err(refused("cursor_other_sort"));
    }
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_carries_its_sort() {
        let next = anchor_cursor(Some("42".into()), Some("-amount"));
        assert_eq!(next.as_deref(), Some("42~-amount"));
        assert_eq!(
            anchor_of(next.as_deref(), Some("-amount")).expect("same sort"),
            Some(42)
        );
        assert_eq!(anchor_cursor(Some("7".into()), None).as_deref(), Some("7"));
        assert_eq!(anchor_of(Some("7"), None).expect("default sort"), Some(7));
        assert_eq!(anchor_of(Some(" "), Some("name")).expect("blank"), None);
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
