//! Import of opportunities from CSV or XLSX: each row names its customer (one
//! the user may see), and optionally its pipeline and stage by name; every
//! row goes through the same checks and the same stage history as a typed
//! opportunity (marked as imported), and nothing is written unless every
//! row is right (or when only checking).

use std::collections::BTreeMap;

use kuijing_domain::{Action, Kind, Permission, text};
use kuijing_store::{customers, products};

use crate::error::Result;
use crate::imports::{self, Columns, ImportReport, Upload};
use crate::opportunities::OpportunityInput;
use crate::products::DecimalText;
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
    "lines",
];

impl App {
    pub async fn import_opportunities(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Opportunity, Action::Import))?;
        caller.require(Permission::new(Kind::Opportunity, Action::Create))?;
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        let defs = self.field_defs_in(&mut tx, Kind::Opportunity).await?;
        let columns = Columns {
            fields: OPPORTUNITY_COLUMNS,
            required: &["name", "customer_id"],
            aliases,
            custom: &defs,
        };
        let sheet = imports::open(&upload, &columns, &mut report)?;
        let products = products::keys(&mut tx).await?;
        let usable = self.pipelines(caller).await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Customer).await?;
        let today = self.today();
        for row in sheet.rows() {
            let number = row.number;
            // The customer by its name, among those the user may see.
            let key = kuijing_domain::company::match_key(&row.cell("customer_id"));
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
                report.problem(number, "customer_id", "not_found");
                continue;
            };
            let pipeline_name = text::normalize(&row.cell("pipeline_id"));
            let pipeline = if pipeline_name.is_empty() {
                usable.iter().find(|p| p.is_default && p.active)
            } else {
                usable
                    .iter()
                    .find(|p| p.active && text::normalize(&p.name) == pipeline_name)
            };
            let Some(pipeline) = pipeline else {
                report.problem(number, "pipeline_id", "invalid_choice");
                continue;
            };
            let stage_name = text::normalize(&row.cell("stage_id"));
            let stage = if stage_name.is_empty() {
                pipeline.stages.first()
            } else {
                pipeline
                    .stages
                    .iter()
                    .find(|s| text::normalize(&s.name) == stage_name)
            };
            let Some(stage) = stage else {
                report.problem(number, "stage_id", "unknown_stage");
                continue;
            };
            let expected_close_on = match row.date("expected_close_on") {
                Ok(day) => day,
                Err(code) => {
                    report.problem(number, "expected_close_on", code);
                    continue;
                }
            };
            let lines = match imports::parse_lines(&row.cell("lines"), &products) {
                Ok(lines) => lines,
                Err((field, code)) => {
                    report.problem(number, &field, code);
                    continue;
                }
            };
            let input = OpportunityInput {
                name: row.cell("name"),
                customer_id: customer,
                pipeline_id: Some(pipeline.id),
                stage_id: Some(stage.id),
                amount: row.optional("amount").map(DecimalText::Text),
                currency: row.optional("currency"),
                expected_close_on,
                notes: row.optional("notes"),
                lines,
                custom: row.custom(),
                ..OpportunityInput::default()
            };
            let made = self
                .insert_opportunity(&mut tx, caller, &input, "import")
                .await;
            if report.absorb(number, made)?.is_some() {
                report.created += 1;
            }
        }
        report
            .finish(
                tx,
                upload.check_only,
                (Kind::Opportunity.as_str(), caller.user.id),
            )
            .await
    }
}
