//! Unique custom fields: a value no other record of the kind holds, compared
//! as people read it (trimmed, full-width and half-width alike, any case).

use kuijing_domain::fields::FieldDef;
use kuijing_domain::{FieldError, FieldErrors, Kind, text};
use kuijing_store::Tx;
use serde_json::{Map, Value};

use crate::error::Result;

/// The table of a record kind with custom fields; `None` for kinds whose
/// values are not checked here.
fn table_of(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Customer => Some("customers"),
        Kind::Lead => Some("leads"),
        Kind::Contact => Some("contacts"),
        _ => None,
    }
}

/// How a unique value is compared: a list's items one by one, text folded.
pub(crate) fn unique_key(value: &Value) -> String {
    text::normalize(&kuijing_domain::fields::display(value))
}

/// Adds a `taken` error (422) for each unique field of `custom` whose value
/// another record of `kind` (not `except`) already holds.
pub(crate) async fn check_unique_custom(
    tx: &mut Tx,
    kind: Kind,
    defs: &[FieldDef],
    custom: &Map<String, Value>,
    except: Option<i64>,
    errors: &mut FieldErrors,
) -> Result<()> {
    let Some(table) = table_of(kind) else {
        return Ok(());
    };
    for def in defs.iter().filter(|d| d.unique) {
        let Some(value) = custom.get(&def.key) else {
            continue;
        };
        let key = unique_key(value);
        if key.is_empty() {
            continue;
        }
        let stored = kuijing_store::field_defs::values_of(tx, table, &def.key, except).await?;
        if stored.iter().any(|(_, other)| stored_key(other) == key) {
            errors.push(
                FieldError::new(format!("custom.{}", def.key), "custom_value_taken")
                    .labelled(&def.label),
            );
        }
    }
    Ok(())
}

/// A stored value as text (a list is kept as JSON), folded like a new one.
fn stored_key(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Array(_)) => unique_key(&value),
        _ => text::normalize(text),
    }
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
