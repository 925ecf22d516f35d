//! Import of opportunities from CSV or XLSX: each row names its customer (one
//! the user may see), and optionally its pipeline and stage by name, its
//! outcome (won, lost with a reason, or invalid), its owner (a user in the
//! importer's scope, by phone or by name) and its product lines (a `lines`
//! cell, and one product with its quantity, price and discount in columns
//! of their own, `imports::line_columns`). Every row goes through the same checks and the same stage history
//! as a typed opportunity (marked as imported): an outcome is the one stage
//! change every other screen makes. Every problem of a row is named, and
//! nothing is written unless every row is right (or when only checking).

use std::collections::BTreeMap;

use kuijing_domain::pipeline::{Move, Outcome};
use kuijing_domain::{Action, Kind, Permission, text};
use kuijing_store::{opportunities, products};

use crate::contract_import::People;
use crate::error::Result;
use crate::imports::{self, Columns, ImportReport, Upload};
use crate::opportunities::OpportunityInput;
use crate::products::DecimalText;
use crate::unique_fields::SeenInFile;
use crate::{App, Caller};

/// The fields an opportunity file may have.
pub const OPPORTUNITY_COLUMNS: &[&str] = &[
    "name",
    "customer_id",
    "pipeline_id",
    "stage_id",
    "outcome",
    "reason",
    "amount",
    "currency",
    "expected_close_on",
    "owner_id",
    "notes",
    "lines",
    "product_id",
    "quantity",
    "price",
    "discount",
];

/// An outcome cell, as a code or as any of the three languages words it;
/// empty says the opportunity stays open.
fn outcome_of(cell: &str) -> Result<Option<Outcome>, &'static str> {
    Ok(Some(match text::normalize(cell).as_str() {
        "" => return Ok(None),
        "open" | "進行中" | "进行中" => Outcome::Open,
        "won" | "win" | "贏單" | "赢单" => Outcome::Won,
        "lost" | "lose" | "輸單" | "输单" => Outcome::Lost,
        "invalid" | "無效" | "无效" => Outcome::Invalid,
        _ => return Err("invalid_choice"),
    }))
}

impl App {
    pub async fn import_opportunities(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Opportunity, Action::Import))?;
        caller.require(Permission::new(Kind::Opportunity, Action::Create))?;
        let may_close = caller.can(Permission::new(Kind::Opportunity, Action::Edit));
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        tx.lock_imports(Kind::Opportunity.as_str()).await?;
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
        let scope = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        let people = People::load(&mut tx).await?;
        let mut unique = SeenInFile::default();
        for row in sheet.rows() {
            let at = row.number;
            let before = report.problems.len();
            // The customer by its name, among those the user may see.
            let named = row.cell("customer_id");
            let customer = match self.customer_named(&mut tx, caller, &named, false).await? {
                Ok(id) => Some(id),
                Err(code) => {
                    report.problem(at, "customer_id", code);
                    None
                }
            };
            let pipeline_name = text::normalize(&row.cell("pipeline_id"));
            let pipeline = if pipeline_name.is_empty() {
                usable.iter().find(|p| p.is_default && p.active)
            } else {
                usable
                    .iter()
                    .find(|p| p.active && text::normalize(&p.name) == pipeline_name)
            };
            if pipeline.is_none() {
                report.problem(at, "pipeline_id", "invalid_choice");
            }
            let stage_name = text::normalize(&row.cell("stage_id"));
            let stage = pipeline.and_then(|pipeline| {
                if stage_name.is_empty() {
                    pipeline.stages.first()
                } else {
                    pipeline
                        .stages
                        .iter()
                        .find(|s| text::normalize(&s.name) == stage_name)
                }
            });
            if pipeline.is_some() && stage.is_none() {
                report.problem(at, "stage_id", "unknown_stage");
            }
            let expected_close_on = row.date("expected_close_on").unwrap_or_else(|code| {
                report.problem(at, "expected_close_on", code);
                None
            });
            // The outcome, and the reason only a closed one (won, lost or
            // invalid) keeps.
            let outcome = outcome_of(&row.cell("outcome")).unwrap_or_else(|code| {
                report.problem(at, "outcome", code);
                None
            });
            let reason = row.optional("reason");
            match (outcome, &reason) {
                (Some(Outcome::Lost), None) => report.problem(at, "reason", "lost_needs_reason"),
                (Some(Outcome::Won | Outcome::Lost | Outcome::Invalid), Some(_)) => {}
                (_, Some(_)) => report.problem(at, "reason", "reason_unused"),
                _ => {}
            }
            let closing = outcome.filter(|o| o.is_closed());
            if closing.is_some() && !may_close {
                report.problem(at, "outcome", "outcome_not_allowed");
            }
            let owner = match row.optional("owner_id") {
                None => None,
                Some(text) => match people.find(&text) {
                    Ok((id, department)) if scope.sees(id, department) => Some(id),
                    Ok(_) => {
                        report.problem(at, "owner_id", "owner_out_of_scope");
                        None
                    }
                    Err(code) => {
                        report.problem(at, "owner_id", code);
                        None
                    }
                },
            };
            let mut lines =
                imports::parse_lines(&row.cell("lines"), &products).unwrap_or_else(|errors| {
                    for (field, code) in errors {
                        report.problem(at, &field, code);
                    }
                    Vec::new()
                });
            match imports::line_columns(&row, &products) {
                Ok(line) => lines.extend(line),
                Err(errors) => {
                    for (field, code) in errors {
                        report.problem(at, field, code);
                    }
                }
            }
            // The row is checked whole even when something above is wrong,
            // so that every problem is named at once; nothing is kept then.
            let input = OpportunityInput {
                name: row.cell("name"),
                customer_id: customer.unwrap_or_default(),
                pipeline_id: pipeline.map(|p| p.id),
                stage_id: stage.map(|s| s.id),
                amount: row.optional("amount").map(DecimalText::Text),
                currency: row.optional("currency"),
                expected_close_on,
                notes: row.optional("notes"),
                lines,
                custom: row.custom(),
                ..OpportunityInput::default()
            };
            // A unique value an earlier row has is named with that row.
            unique.check(&mut report, at, &defs, &input.custom);
            let made = self
                .insert_opportunity(&mut tx, caller, &input, "import")
                .await;
            let Some(id) = report.absorb_more(at, made)? else {
                continue;
            };
            if report.problems.len() > before {
                continue;
            }
            if let Some(outcome) = closing {
                let request = match outcome {
                    Outcome::Won => Move::Win {
                        reason: reason.clone(),
                    },
                    Outcome::Lost => Move::Lose {
                        reason: reason.clone().unwrap_or_default(),
                    },
                    _ => Move::Invalidate {
                        reason: reason.clone(),
                    },
                };
                let moved = self.move_in(&mut tx, caller, id, &request, "import").await;
                if report.absorb_more(at, moved)?.is_none() {
                    continue;
                }
            }
            if let Some(owner) = owner.filter(|o| *o != caller.user.id) {
                opportunities::set_owner(&mut tx, &[id], owner, self.now()).await?;
                self.log_update(
                    &mut tx,
                    caller,
                    Kind::Opportunity,
                    id,
                    "owner_id",
                    Some(caller.user.id.to_string()),
                    Some(owner.to_string()),
                )
                .await?;
            }
            report.created += 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_in_every_language() {
        assert_eq!(outcome_of(""), Ok(None));
        assert_eq!(outcome_of(" Won "), Ok(Some(Outcome::Won)));
        assert_eq!(outcome_of("輸單"), Ok(Some(Outcome::Lost)));
        assert_eq!(outcome_of("无效"), Ok(Some(Outcome::Invalid)));
        assert_eq!(outcome_of("進行中"), Ok(Some(Outcome::Open)));
        assert_eq!(outcome_of("maybe"), Err("invalid_choice"));
    }
}
