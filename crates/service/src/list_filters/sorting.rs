//! Sorting a record list: the sort asked for, by system or custom field.

use kuijing_domain::fields::{self, FieldDef};
use kuijing_domain::{FieldError, FieldErrors};
use kuijing_store::lists::{CustomOrder, Shown, Sort};

use crate::error::{Result, ServiceError};

use super::cursors::{SortShape, custom_cursor_value, decode_cursor, sort_tag};
use super::{ListSpec, RecordQuery, Shape};

/// Where a page starts: the sort value and id of the last row shown.
pub(crate) type Cursor = (sea_query::Value, i64);

/// Whether a list sorts by a column: one of its `sortable` system fields,
/// or any custom field.
pub fn is_sortable(sortable: &[&str], column: &str) -> bool {
    sortable.contains(&column) || column.starts_with("custom.")
}

/// How a custom field of this type orders its values.
fn custom_order(field_type: fields::FieldType) -> CustomOrder {
    use fields::FieldType;
    match field_type {
        FieldType::Number
        | FieldType::Percent
        | FieldType::Money
        | FieldType::User
        | FieldType::Department => CustomOrder::Number,
        FieldType::Date => CustomOrder::Day,
        FieldType::DateTime => CustomOrder::Instant,
        FieldType::Bool => CustomOrder::Flag,
        FieldType::MultiChoice => CustomOrder::FirstChoice,
        FieldType::Text
        | FieldType::LongText
        | FieldType::Choice
        | FieldType::Phone
        | FieldType::Email
        | FieldType::Url => CustomOrder::Text,
    }
}

/// The sort asked for (the newest first by default) and where the page
/// starts. A custom field sorts by its values as its type compares them.
pub(crate) fn parse_sort<C: Copy>(
    spec: &ListSpec<C>,
    defs: &[FieldDef],
    query: &RecordQuery,
) -> Result<(Sort<C>, Option<Cursor>)> {
    let name = query.sort.as_deref().unwrap_or("id");
    let descending = query.sort.is_none() || query.descending;
    let invalid = || {
        let keys = spec.sortable.iter().map(|k| k.to_string());
        let custom = defs.iter().map(|d| format!("custom.{}", d.key));
        let error = FieldError::new("sort", "sort_not_a_key")
            .with("value", name)
            .with("values", keys.chain(custom).collect::<Vec<_>>().join(", "));
        ServiceError::from(FieldErrors::from(error))
    };
    let (sort, shape) = match name.strip_prefix("custom.") {
        Some(key) => {
            let sort = custom_sort(defs, key, spec.id, descending).ok_or_else(invalid)?;
            let how = sort
                .custom
                .as_ref()
                .map_or(CustomOrder::Text, |(_, how)| *how);
            (sort, SortShape::Custom(how))
        }
        None => {
            let (column, shape) = spec.sort_field(name).ok_or_else(invalid)?;
            let shown = spec.shown.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
            (
                system_sort(column, descending, shape, shown),
                SortShape::System(shape),
            )
        }
    };
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => Some(decode_cursor(cursor, &sort_tag(query), shape)?),
    };
    Ok((sort, after))
}

/// A sort by a custom field (`key` among `defs`) for any list whose table
/// keeps custom fields, ordered as its type compares: the record lists'
/// and the sales lists' alike. None for a field that is not defined.
pub(crate) fn custom_sort<C: Copy>(
    defs: &[FieldDef],
    key: &str,
    id: C,
    descending: bool,
) -> Option<Sort<C>> {
    let def = defs.iter().find(|d| d.key == key)?;
    let shown = match def.field_type {
        fields::FieldType::User => Some(Shown::User),
        fields::FieldType::Department => Some(Shown::Department),
        _ => None,
    };
    let mut sort = Sort::by(id, descending).showing(shown);
    sort.custom = Some((def.key.clone(), custom_order(def.field_type)));
    Some(sort)
}

/// A sort by a system field: text case aside, a choice by what its chosen
/// row shows.
pub(crate) fn system_sort<C>(
    column: C,
    descending: bool,
    shape: Shape,
    shown: Option<Shown>,
) -> Sort<C> {
    let sort = Sort::by(column, descending).showing(shown);
    if matches!(shape, Shape::Text | Shape::Code) {
        sort.as_text()
    } else {
        sort
    }
}

/// Where a page sorted by a custom field starts: the value the last row
/// shown holds (empty when it has none or it does not read as its type).
pub(crate) fn custom_after(
    custom: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    how: CustomOrder,
) -> sea_query::Value {
    custom
        .get(key)
        .filter(|v| !v.is_null())
        .and_then(|v| custom_cursor_value(v, how))
        .unwrap_or_else(kuijing_store::lists::null_cursor_value)
}
