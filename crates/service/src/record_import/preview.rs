//! The first rows of a file as the import would write them, for the page
//! to show before anything is written.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kuijing_domain::fields::FieldDef;
use kuijing_store::options;

use super::{CHOICES, Importer, RowIn};
use crate::contract_import::People;

/// A row as the preview shows it: the kind's fields, then its custom ones.
pub(super) fn preview_of<I: Importer>(
    fields: &I::Fields,
    defs: &[FieldDef],
) -> BTreeMap<String, String> {
    let mut row = I::preview(fields);
    for def in defs {
        if let Some(value) = I::custom(fields).get(&def.key) {
            row.insert(
                format!("custom.{}", def.key),
                kuijing_domain::fields::display(value),
            );
        }
    }
    row
}

/// What a row named by label, name or local time, as it was read.
pub(super) struct Read {
    pub(super) choices: [Option<i64>; 3],
    pub(super) owner: Option<i64>,
    pub(super) next_contact_at: Option<DateTime<Utc>>,
}

/// Completes a preview row with every mapped column as it will be written:
/// options by label, the owner by name, the next contact in local time, and
/// any other column as the file has it (empty when its cell is).
pub(super) fn fill_preview(
    shown: &mut BTreeMap<String, String>,
    row: &RowIn<'_>,
    read: &Read,
    (choice, people, zone): (&[options::OptionRow], &People, chrono_tz::Tz),
) {
    for column in row.columns.iter().flatten() {
        if shown.contains_key(*column) {
            continue;
        }
        let text = match *column {
            "level_id" | "industry_id" | "source_id" => {
                let at = CHOICES.iter().position(|c| c == column).unwrap_or(0);
                read.choices[at]
                    .and_then(|id| choice.iter().find(|o| o.id == id))
                    .map(|o| o.label.clone())
            }
            "owner_id" => read.owner.and_then(|id| people.name_of(id)),
            "next_contact_at" => read
                .next_contact_at
                .map(|at| at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()),
            other => row.shown.get(other).cloned().or_else(|| row.get(other)),
        };
        shown.insert(column.to_string(), text.unwrap_or_default());
    }
    // The file's columns, and the postcode and region a one-line address
    // was split into.
    shown.retain(|key, value| {
        row.columns.contains(&Some(key.as_str()))
            || (matches!(key.as_str(), "postcode" | "province" | "city" | "district")
                && !value.is_empty())
    });
}
