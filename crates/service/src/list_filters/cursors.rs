//! Keyset cursors and pages: where a page starts and the cursor to the next.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::FieldError;
use kuijing_store::lists::CustomOrder;
use serde::Serialize;

use crate::error::{Result, ServiceError};

use super::{Cursor, RecordQuery, Shape};

/// How a sort's cursor value reads: as a system field's, or as a custom
/// field's of its type.
#[derive(Clone, Copy)]
pub(super) enum SortShape {
    System(Shape),
    Custom(CustomOrder),
}

/// The sort a cursor was made under: the field, `-` first when descending
/// (the newest first when the list names no sort).
pub(super) fn sort_tag(query: &RecordQuery) -> String {
    let name = query.sort.as_deref().unwrap_or("id");
    let descending = query.sort.is_none() || query.descending;
    format!("{}{name}", if descending { "-" } else { "" })
}

/// A cursor holds the sort value and id of the last row shown, read from the
/// record as the API shows it (a custom field's from its `custom`), and the
/// sort it was made under.
pub(crate) fn cursor_of(record: &impl Serialize, query: &RecordQuery, id: i64) -> String {
    let sort = query.sort.as_deref().unwrap_or("id");
    let shown = || serde_json::to_value(record).ok();
    let value = match sort {
        "id" => serde_json::Value::Null,
        _ => match sort.strip_prefix("custom.") {
            Some(key) => shown()
                .and_then(|v| v.get("custom")?.get(key).cloned())
                .unwrap_or_default(),
            None => shown()
                .and_then(|v| v.get(sort).cloned())
                .unwrap_or_default(),
        },
    };
    URL_SAFE_NO_PAD.encode(serde_json::json!([value, id, sort_tag(query)]).to_string())
}

/// Reads a cursor made under the sort `tag`; one made under another sort
/// is refused, since its row's place differs in this order.
pub(super) fn decode_cursor(cursor: &str, tag: &str, shape: SortShape) -> Result<Cursor> {
    let refused =
        |code: &'static str| ServiceError::Invalid(FieldError::new("cursor", code).into());
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| refused("cursor_invalid"))?;
    let (value, id, made_under): (serde_json::Value, i64, String) =
        serde_json::from_slice(&bytes).map_err(|_| refused("cursor_invalid"))?;
    if made_under != tag {
        return Err(refused("cursor_other_sort"));
    }
    let sort = tag.trim_start_matches('-');
    if sort == "id" {
        return Ok((id.into(), id));
    }
    if value.is_null() {
        // The last row had no value: the store orders such rows together.
        return Ok((kuijing_store::lists::null_cursor_value(), id));
    }
    let value: sea_query::Value = match shape {
        SortShape::System(shape) => system_cursor_value(&value, shape),
        SortShape::Custom(how) => custom_cursor_value(&value, how),
    }
    .ok_or_else(|| refused("cursor_invalid"))?;
    Ok((value, id))
}

fn system_cursor_value(value: &serde_json::Value, shape: Shape) -> Option<sea_query::Value> {
    Some(match shape {
        Shape::Time => DateTime::parse_from_rfc3339(value.as_str()?)
            .ok()?
            .with_timezone(&Utc)
            .into(),
        Shape::Choice => value.as_i64()?.into(),
        Shape::Bool => value.as_bool()?.into(),
        // Phones sort by their digits, as they are kept for matching.
        Shape::Phone => kuijing_domain::company::phone_key(value.as_str()?).into(),
        Shape::Text | Shape::Code => value.as_str()?.to_string().into(),
    })
}

/// A custom field's value in a cursor. A value that does not read as its
/// type is ordered with the empty ones, as the store reads it.
pub(super) fn custom_cursor_value(
    value: &serde_json::Value,
    how: CustomOrder,
) -> Option<sea_query::Value> {
    let text = match value {
        serde_json::Value::Array(items) if how == CustomOrder::FirstChoice => items
            .first()
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .trim()
            .to_string(),
        serde_json::Value::String(text) => text.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(flag) if how == CustomOrder::Flag => {
            return Some(i64::from(*flag).into());
        }
        _ => return None,
    };
    let reads = match how {
        CustomOrder::Text | CustomOrder::FirstChoice => !text.is_empty(),
        CustomOrder::Number => is_decimal(&text),
        CustomOrder::Day => NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok(),
        CustomOrder::Instant => DateTime::parse_from_rfc3339(&text).is_ok(),
        CustomOrder::Flag => false,
    };
    Some(if reads {
        text.into()
    } else {
        kuijing_store::lists::null_cursor_value()
    })
}

/// Decimal text as figures are kept: an optional minus, digits, and
/// optionally a point and more digits.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// The page a list answers: at most `limit` rows, the total, and a cursor
/// when more follow.
pub(crate) fn limit_of(query: &RecordQuery) -> u64 {
    query
        .limit
        .unwrap_or(crate::PageRequest::DEFAULT_LIMIT)
        .clamp(1, crate::PageRequest::MAX_LIMIT)
}

/// Cuts the probe row (one more than the page) and makes the next cursor.
pub(crate) fn paged<T: Serialize>(
    mut found: Vec<T>,
    query: &RecordQuery,
    id_of: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    let limit = limit_of(query);
    let more = found.len() as u64 > limit;
    found.truncate(limit as usize);
    let next = if more {
        found.last().map(|r| cursor_of(r, query, id_of(r)))
    } else {
        None
    };
    (found, next)
}
