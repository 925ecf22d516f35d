//! Unique custom fields: a value no other record of the kind holds, compared
//! as people read it (trimmed, full-width and half-width alike, any case).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use kuijing_domain::fields::FieldDef;
use kuijing_domain::{FieldError, FieldErrors, Kind};
use kuijing_store::Tx;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::imports::ImportReport;

/// The kinds whose unique custom values are checked here.
fn checked(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Customer
            | Kind::Lead
            | Kind::Contact
            | Kind::Opportunity
            | Kind::Contract
            | Kind::Payment
            | Kind::Product
    )
}

/// How a unique value is compared: a list's items one by one, text folded.
pub(crate) fn unique_key(value: &Value) -> String {
    kuijing_domain::fields::unique_key(value)
}

/// Adds a `taken` error (422) for each unique field of `custom` whose value
/// another record of `kind` (not `except`) already holds: one indexed
/// lookup of the value's folded key per field (`store::unique_values`),
/// which on PostgreSQL also holds the key until the transaction ends.
pub(crate) async fn check_unique_custom(
    tx: &mut Tx,
    kind: Kind,
    defs: &[FieldDef],
    custom: &Map<String, Value>,
    except: Option<i64>,
    errors: &mut FieldErrors,
) -> Result<()> {
    if !checked(kind) {
        return Ok(());
    }
    for def in defs.iter().filter(|d| d.unique) {
        let Some(value) = custom.get(&def.key) else {
            continue;
        };
        let key = unique_key(value);
        if key.is_empty() {
            continue;
        }
        let holder =
            kuijing_store::unique_values::holder(tx, kind.as_str(), &def.key, &key, except).await?;
        if holder.is_some() {
            errors.push(
                FieldError::new(format!("custom.{}", def.key), "custom_value_taken")
                    .labelled(&def.label),
            );
        }
    }
    Ok(())
}

impl crate::App {
    /// Checks the unique custom fields of a `kind` record being created
    /// (`except` `None`) or saved (`except` its id).
    pub(crate) async fn check_unique_in(
        &self,
        tx: &mut Tx,
        kind: Kind,
        custom: &Map<String, Value>,
        except: Option<i64>,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        let defs = self.field_defs_in(tx, kind).await?;
        check_unique_custom(tx, kind, &defs, custom, except, errors).await
    }
}

/// The values of unique custom fields that the rows above have in an import
/// file, so a row repeating one is named with the row that has it first.
#[derive(Default)]
pub(crate) struct SeenInFile(HashMap<(String, String), usize>);

impl SeenInFile {
    /// Adds a `custom_value_repeated` problem to `row` for each unique field
    /// whose value (read as the form reads it, compared as a stored one is)
    /// an earlier row has, naming the field by its label and that row; the
    /// row's other values are remembered. Whether the row repeats any.
    pub(crate) fn check(
        &mut self,
        report: &mut ImportReport,
        row: usize,
        defs: &[FieldDef],
        typed: &Map<String, Value>,
    ) -> bool {
        // A value the form refuses is named by the row's own check.
        let custom = kuijing_domain::fields::parse_custom(defs, typed, &mut FieldErrors::new());
        let mut repeated = false;
        for def in defs.iter().filter(|d| d.unique) {
            let Some(value) = custom.get(&def.key) else {
                continue;
            };
            let key = unique_key(value);
            if key.is_empty() {
                continue;
            }
            match self.0.entry((def.key.clone(), key)) {
                Entry::Occupied(first) => {
                    report.problem(row, &format!("custom.{}", def.key), "custom_value_repeated");
                    if let Some(added) = report.problems.last_mut() {
                        added.other_row = Some(*first.get());
                        added.label = Some(def.label.clone());
                    }
                    repeated = true;
                }
                Entry::Vacant(free) => {
                    free.insert(row);
                }
            }
        }
        repeated
    }
}
