//! Unique custom fields in an import: a value an earlier row of the file
//! has, or another record holds, fails the row.

use std::collections::HashMap;

use kuijing_domain::fields::FieldDef;
use kuijing_domain::{FieldErrors, Kind};
use kuijing_store::Tx;
use serde_json::{Map, Value};

use super::problem;
use crate::App;
use crate::error::Result;
use crate::import_report::RowProblem;

impl App {
    /// The problems of a row's unique custom fields: a value an earlier row
    /// of the file has (naming that row), or one another record holds
    /// (`except` is the record the row updates).
    pub(super) async fn unique_problems(
        &self,
        tx: &mut Tx,
        (kind, defs, custom): (Kind, &[FieldDef], &Map<String, Value>),
        except: Option<i64>,
        line: usize,
        seen: &mut HashMap<(String, String), usize>,
    ) -> Result<Vec<RowProblem>> {
        let mut problems = Vec::new();
        for def in defs.iter().filter(|d| d.unique) {
            let Some(value) = custom.get(&def.key) else {
                continue;
            };
            let key = (def.key.clone(), crate::unique_fields::unique_key(value));
            let shown = kuijing_domain::fields::display(value);
            let field = format!("custom.{}", def.key);
            if let Some(first) = seen.get(&key) {
                problems.push(RowProblem {
                    label: Some(def.label.clone()),
                    first_row: Some(*first),
                    ..problem(line, &field, "custom_value_repeated", &shown, false)
                });
                continue;
            }
            let one = Map::from_iter([(def.key.clone(), value.clone())]);
            let mut stored = FieldErrors::new();
            crate::unique_fields::check_unique_custom(
                tx,
                kind,
                std::slice::from_ref(def),
                &one,
                except,
                &mut stored,
            )
            .await?;
            if !stored.0.is_empty() {
                problems.push(RowProblem {
                    label: Some(def.label.clone()),
                    ..problem(line, &field, "custom_value_taken", &shown, false)
                });
            }
        }
        if problems.is_empty() {
            for def in defs.iter().filter(|d| d.unique) {
                if let Some(value) = custom.get(&def.key) {
                    let key = (def.key.clone(), crate::unique_fields::unique_key(value));
                    seen.entry(key).or_insert(line);
                }
            }
        }
        Ok(problems)
    }
}
