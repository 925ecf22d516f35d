//! Import of payments (回款) from CSV or XLSX. Each row names its contract by
//! number (an approved one the user may see) and optionally the instalment
//! by its number; it goes through the same checks as a typed payment (no
//! date in the future, the method among the administrators' choices) and is
//! saved as a draft awaiting submission, belonging to the owner the row
//! names (someone in the importer's scope) or else to its contract's owner.
//! A payment above what its contract
//! still has outstanding, counting the payments not yet approved and the
//! rows above it, is refused unless the user allowed exceeding, as the form
//! asks for a confirmation. Custom fields are found by their label or key
//! and checked as the form checks them. Nothing is written unless every row
//! is right.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::{Action, Kind, Permission, money};
use kuijing_store::contracts;

use crate::contract_import::{People, payment_method};
use crate::error::Result;
use crate::imports::{self, Columns, ImportReport, Upload};
use crate::payments::PaymentInput;
use crate::products::DecimalText;
use crate::unique_fields::SeenInFile;
use crate::{App, Caller};

/// The fields a payment file may have.
pub const PAYMENT_COLUMNS: &[&str] = &[
    "number",
    "contract_id",
    "plan_id",
    "received_on",
    "payment_method_id",
    "amount",
    "currency",
    "notes",
    "owner_id",
];

impl App {
    /// `allow_exceeding` confirms, for every row, a payment above what its
    /// contract still has outstanding.
    pub async fn import_payments(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
        allow_exceeding: bool,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Payment, Action::Import))?;
        caller.require(Permission::new(Kind::Payment, Action::Create))?;
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        tx.lock_imports(Kind::Payment.as_str()).await?;
        let defs = self.field_defs_in(&mut tx, Kind::Payment).await?;
        let columns = Columns {
            fields: PAYMENT_COLUMNS,
            required: &["contract_id", "received_on", "amount"],
            aliases,
            custom: &defs,
        };
        let sheet = imports::open(&upload, &columns, &mut report)?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Contract).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let payment_scope = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
        let people = People::load(&mut tx).await?;
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut unique = SeenInFile::default();
        // The payments saved for earlier rows (by id), named by their row
        // when a later row counts them.
        let mut saved_rows: HashMap<i64, usize> = HashMap::new();
        for row in sheet.rows() {
            let at = row.number;
            let problems = report.problems.len();
            let number = row.optional("number");
            // A number twice in the file names the first row; the rest of
            // the row is still checked.
            if let Some(number) = &number
                && let Some(first) = numbers.get(number)
            {
                report.duplicate(at, "number", *first);
            } else if let Some(number) = &number {
                numbers.insert(number.clone(), at);
            }
            // The contract by its number, among those the user may see.
            let Some(contract_number) = row.optional("contract_id") else {
                report.problem(at, "contract_id", "required");
                continue;
            };
            let found = match contracts::id_by_number(&mut tx, &contract_number).await? {
                Some(id) => contracts::get(&mut tx, scope, id).await?,
                None => None,
            };
            let Some(contract) = found else {
                report.problem(at, "contract_id", "not_found");
                continue;
            };
            let plan_id = match row.optional("plan_id") {
                None => None,
                Some(text) => {
                    let plans = contracts::plans(&mut tx, contract.id).await?;
                    let instalment = text.trim_start_matches('#').trim().parse::<i64>().ok();
                    match plans.iter().find(|p| Some(p.instalment) == instalment) {
                        Some(plan) => Some(plan.id),
                        None => {
                            report.problem(at, "plan_id", "not_found");
                            None
                        }
                    }
                }
            };
            if let Some(currency) = row.optional("currency")
                && money::parse_currency(&currency).ok().as_deref()
                    != Some(contract.currency.as_str())
            {
                report.problem(at, "currency", "not_contracts_currency");
            }
            // Someone in the importer's scope; without the column, the
            // contract's owner.
            let owner = match row.optional("owner_id") {
                None => None,
                Some(text) => match people.find(&text) {
                    Ok((id, department)) if payment_scope.sees(id, department) => Some(id),
                    Ok(_) => {
                        report.problem(at, "owner_id", "payment_owner_out_of_scope");
                        None
                    }
                    Err(code) => {
                        report.problem(at, "owner_id", code);
                        None
                    }
                },
            };
            let method_id = match payment_method(&mut tx, &row).await? {
                Ok(method) => method,
                Err(code) => {
                    report.problem(at, "payment_method_id", code);
                    None
                }
            };
            let received_on = match row.date("received_on") {
                Ok(Some(day)) => Some(day),
                Ok(None) => {
                    report.problem(at, "received_on", "required");
                    None
                }
                Err(code) => {
                    report.problem(at, "received_on", code);
                    None
                }
            };
            let Some(received_on) = received_on else {
                continue;
            };
            let input = PaymentInput {
                number,
                contract_id: contract.id,
                plan_id,
                received_on,
                method_id,
                amount: DecimalText::Text(row.cell("amount")),
                notes: row.optional("notes"),
                custom: row.custom(),
                confirm_exceeding: allow_exceeding,
                version: None,
                unread: Default::default(),
            };
            // A unique value an earlier row has is named with that row.
            unique.check(&mut report, at, &defs, &input.custom);
            let refused = report.problems.len() > problems;
            // A row refused already is still put through the form's checks,
            // so every problem of the row is named at once.
            let mut found = ImportReport::default();
            let saved = if refused {
                let checked = self.check_payment(&mut tx, caller, &input, None).await;
                found.absorb(at, checked.map(|_| ()))?;
                false
            } else {
                let made = self.insert_payment(&mut tx, caller, &input, owner).await;
                match found.absorb(at, made)? {
                    Some(id) => {
                        saved_rows.insert(id, at);
                        true
                    }
                    None => false,
                }
            };
            // The form's field is the method of the payment; the file's
            // column is the payment method, and exceeding is allowed by a
            // tick on the upload rather than a confirmation.
            for mut problem in found.problems {
                for pending in &mut problem.pending {
                    if let Some(row) = pending.id.and_then(|id| saved_rows.get(&id)) {
                        pending.row = Some(*row);
                        pending.id = None;
                        pending.number = None;
                    }
                }
                if problem.field == "method_id" {
                    problem.field = "payment_method_id".into();
                }
                if problem.code == "exceeds_outstanding" {
                    problem.code = "exceeds_outstanding_import".into();
                }
                if problem.code == "exceeds_instalment" {
                    problem.code = "exceeds_instalment_import".into();
                }
                if !report.problems[problems..]
                    .iter()
                    .any(|p| p.field == problem.field)
                {
                    report.problems.push(problem);
                }
            }
            if saved {
                report.created += 1;
            }
        }
        report
            .finish(
                tx,
                upload.check_only,
                (Kind::Payment.as_str(), caller.user.id),
            )
            .await
    }
}
