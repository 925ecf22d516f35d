//! Import of opportunities from CSV or XLSX: each row names its customer (one
//! the user may see), and optionally its pipeline and stage by name; every
//! row goes through the same checks and the same stage history as a typed
//! opportunity (marked as imported), and nothing is written unless every
//! row is right (or when only checking).

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::{Action, Kind, Permission, text};
use kuijing_store::customers;

use crate::error::{Result, ServiceError};
use crate::opportunities::OpportunityInput;
use crate::product_import::{ImportProblem, ProductImportReport as ImportReport};
use crate::products::DecimalText;
use crate::spreadsheets::{self, Format};
use crate::{App, Caller};

/// The fields an opportunity file may have.
pub const OPPORTUNITY_COLUMNS: &[&str] = &[
    "name",
    "customer_id",
    "pipeline_id",
    "stage_id",
    "amount",
    "currency",
    "expected_close_on",
    "notes",
];

impl App {
    pub async fn import_opportunities(
        &self,
        caller: &Caller,
        (bytes, format): (&[u8], Format),
        aliases: &BTreeMap<String, String>,
        check_only: bool,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Opportunity, Action::Import))?;
        caller.require(Permission::new(Kind::Opportunity, Action::Create))?;
        let table = spreadsheets::read(bytes, format).map_err(|code| {
            ServiceError::Invalid(kuijing_domain::FieldError::new("file", code).into())
        })?;
        let mut report = ImportReport::default();
        let mut columns: HashMap<&str, usize> = HashMap::new();
        for (index, header) in table.headers.iter().enumerate() {
            let key = text::normalize(header);
            let named = aliases.get(&key).map(String::as_str).unwrap_or(&key);
            match OPPORTUNITY_COLUMNS.iter().copied().find(|c| *c == named) {
                Some(field) => {
                    columns.entry(field).or_insert(index);
                }
                None => report.ignored_columns.push(header.clone()),
            }
        }
        for needed in ["name", "customer_id"] {
            if !columns.contains_key(needed) {
                return Err(ServiceError::Invalid(
                    kuijing_domain::FieldError::new("file", "name_column_missing").into(),
                ));
            }
        }
        let mut tx = self.db.write().await?;
        let usable = self.pipelines(caller).await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Customer).await?;
        let today = self.today();
        for (index, row) in table.rows.iter().enumerate() {
            let number = index + 2;
            let mut problem = |field: &str, code: &str| {
                report.problems.push(ImportProblem {
                    row: number,
                    field: field.into(),
                    code: code.into(),
                });
            };
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |field: &str| -> String {
                columns
                    .get(field)
                    .and_then(|i| row.get(*i))
                    .map(|c| spreadsheets::unsafe_cell(c).trim().to_string())
                    .unwrap_or_default()
            };
            // The customer by its name, among those the user may see.
            let key = kuijing_domain::company::match_key(&cell("customer_id"));
            let mut customer = None;
            for id in customers::ids_by_name_key(&mut tx, &key).await? {
                if customers::get(&mut tx, &visibility, caller.user.id, today, id, &[])
                    .await?
                    .is_some()
                {
                    customer = Some(id);
                    break;
                }
            }
            let Some(customer) = customer else {
                problem("customer_id", "invalid_choice");
                continue;
            };
            let pipeline_name = text::normalize(&cell("pipeline_id"));
            let pipeline = if pipeline_name.is_empty() {
                usable.iter().find(|p| p.is_default && p.active)
            } else {
                usable
                    .iter()
                    .find(|p| p.active && text::normalize(&p.name) == pipeline_name)
            };
            let Some(pipeline) = pipeline else {
                problem("pipeline_id", "invalid_choice");
                continue;
            };
            let stage_name = text::normalize(&cell("stage_id"));
            let stage = if stage_name.is_empty() {
                pipeline.stages.first()
            } else {
                pipeline
                    .stages
                    .iter()
                    .find(|s| text::normalize(&s.name) == stage_name)
            };
            let Some(stage) = stage else {
                problem("stage_id", "unknown_stage");
                continue;
            };
            let close = cell("expected_close_on");
            let expected_close_on = if close.is_empty() {
                None
            } else {
                match kuijing_domain::dates::parse_date(&close) {
                    Ok(day) => Some(day),
                    Err(code) => {
                        problem("expected_close_on", code);
                        continue;
                    }
                }
            };
            let input = OpportunityInput {
                name: cell("name"),
                customer_id: customer,
                pipeline_id: Some(pipeline.id),
                stage_id: Some(stage.id),
                amount: Some(cell("amount"))
                    .filter(|a| !a.is_empty())
                    .map(DecimalText::Text),
                currency: Some(cell("currency")).filter(|c| !c.is_empty()),
                expected_close_on,
                notes: Some(cell("notes")).filter(|n| !n.is_empty()),
                ..OpportunityInput::default()
            };
            match self
                .insert_opportunity(&mut tx, caller, &input, "import")
                .await
            {
                Ok(_) => report.created += 1,
                Err(ServiceError::Invalid(errors)) => {
                    for error in errors.0 {
                        problem(&error.field, error.code);
                    }
                }
                Err(other) => return Err(other),
            }
        }
        if report.problems.is_empty() && !check_only {
            tx.commit().await?;
            report.written = true;
            tracing::info!(
                created = report.created,
                actor.id = caller.user.id,
                "opportunities imported"
            );
        }
        Ok(report)
    }
}
