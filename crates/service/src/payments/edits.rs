//! Saving a payment: what a new or changed payment is checked against
//! (its contract, its instalment and what both still have outstanding,
//! counting the payments not yet approved), and the edit of a draft.

use kuijing_domain::change::Diff;
use kuijing_domain::error::PendingRecord;
use kuijing_domain::sales::{self, DocStatus};
use kuijing_domain::{Action, Kind, money, text};
use kuijing_store::Tx;
use kuijing_store::contracts::{self, Contract};
use kuijing_store::payments::{self, PaymentFields};

use super::{Payment, PaymentDetail, PaymentInput};
use crate::contracts::payment;
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// A payment's amount past what remains, naming both: `remaining` is what
/// the contract (or the instalment) still has outstanding, less the
/// payments not yet approved, and never below zero.
pub(super) fn past_outstanding(
    code: &'static str,
    (amount, remaining): (i64, i64),
    currency: &str,
) -> kuijing_domain::FieldError {
    let text = |minor: i64| money::format_money(minor, currency);
    kuijing_domain::FieldError::new("amount", code)
        .with("amount", text(amount))
        .with("outstanding", text(remaining.max(0)))
}

/// The payments not yet approved that a check of what `contract` (or its
/// instalment `plan`) has outstanding counted (those in approval, and
/// drafts when `with_drafts`), leaving out the payment checked (`except`),
/// so the refusal names them.
pub(super) async fn pending_named(
    tx: &mut Tx,
    (contract, plan): (&Contract, Option<i64>),
    except: Option<i64>,
    with_drafts: bool,
) -> Result<Vec<PendingRecord>> {
    Ok(payments::pending_of_contract(tx, contract.id)
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != except)
        .filter(|p| plan.is_none() || p.plan_id == plan)
        .filter(|p| with_drafts || p.status == DocStatus::InApproval.as_str())
        .map(|p| PendingRecord {
            id: Some(p.id),
            number: Some(p.number),
            row: None,
            amount: p.amount,
            currency: contract.currency.clone(),
            status: p.status,
        })
        .collect())
}

/// The number of a contract's instalment as its log shows it (a page
/// words it `No. 2`), or its id while the instalment is gone.
async fn instalment_of(tx: &mut Tx, contract: i64, plan: Option<i64>) -> Result<Option<String>> {
    let Some(plan) = plan else {
        return Ok(None);
    };
    let plans = contracts::plans(tx, contract).await?;
    Ok(Some(match plans.iter().find(|p| p.id == plan) {
        Some(found) => found.instalment.to_string(),
        None => format!("#{plan}"),
    }))
}

/// Whether an edit keeps what was confirmed about a payment's amount: it
/// was confirmed past what was outstanding, and the edit leaves its
/// contract and instalment as they were and does not raise its amount
/// above the one confirmed (its notes, date or method may change, and its
/// amount come down, without confirming again).
fn keeps_confirmation(current: &Payment, input: &PaymentInput) -> bool {
    current.exceeding_confirmed
        && input.contract_id == current.contract_id
        && input.plan_id == current.plan_id
        && money::parse_positive(&input.amount.text()).is_ok_and(|amount| amount <= current.amount)
}

impl App {
    pub async fn update_payment(
        &self,
        caller: &Caller,
        id: i64,
        input: PaymentInput,
    ) -> Result<PaymentDetail> {
        caller.require(payment(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_payment(&mut tx, caller, id).await?;
        crate::stale_check(input.version, current.version, &current)?;
        if !current.status.editable() {
            return Err(ServiceError::Refused {
                code: "payment_not_editable",
            });
        }
        let mut input = input;
        input.confirm_exceeding |= keeps_confirmation(&current, &input);
        let (fields, number, contract) = self
            .check_payment(&mut tx, caller, &input, Some(id))
            .await?;
        let number = number.unwrap_or(current.number.clone());
        let mut diff = Diff::new();
        diff.field("number", Some(current.number.clone()), Some(number.clone()));
        diff.field(
            "amount",
            Some(money::amount_text(current.amount)),
            Some(money::amount_text(fields.amount)),
        );
        diff.field(
            "received_on",
            Some(current.received_on.to_string()),
            Some(fields.received_on.to_string()),
        );
        diff.field(
            "contract_id",
            Some(current.contract_id.to_string()),
            Some(fields.contract_id.to_string()),
        );
        diff.field(
            "plan_id",
            instalment_of(&mut tx, current.contract_id, current.plan_id).await?,
            instalment_of(&mut tx, fields.contract_id, fields.plan_id).await?,
        );
        diff.field(
            "method_id",
            current.method_id.map(|m| m.to_string()),
            fields.method_id.map(|m| m.to_string()),
        );
        diff.field("notes", current.notes.clone(), fields.notes.clone());
        diff.custom(&current.custom, &fields.custom);
        let saved = payments::update(
            &mut tx,
            (id, current.version),
            &fields,
            (&number, &contract.customer_name),
            self.now(),
        )
        .await
        .map_err(|e| crate::error::unique_to_field(e, "payments_number", "number", "taken"))?;
        if !saved {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        self.log_diff(&mut tx, caller, Kind::Payment, id, diff)
            .await?;
        tx.commit().await?;
        self.get_payment(caller, id).await
    }

    pub(crate) async fn check_payment(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &PaymentInput,
        except: Option<i64>,
    ) -> Result<(PaymentFields, Option<String>, Contract)> {
        // What the contract has outstanding is read under its lock, so
        // payments saved at once cannot each see the same room.
        contracts::lock(tx, input.contract_id).await?;
        let mut errors = input.unread.clone();
        let number = match input.number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(typed) => errors.take("number", sales::parse_number(typed)),
        };
        if let Some(number) = &number
            && payments::number_taken(tx, number, except).await?
        {
            errors.add("number", "taken");
        }
        // An amount must be more than 0: a negative one is told so, not
        // "0 or more".
        let amount = errors
            .take("amount", money::parse_positive(&input.amount.text()))
            .unwrap_or_default();
        if amount == 0 && !errors.0.iter().any(|e| e.field == "amount") {
            errors.add("amount", "not_positive");
        }
        let notes = errors
            .take(
                "notes",
                text::parse_optional_text(input.notes.as_deref(), 1000),
            )
            .flatten();
        self.check_payment_method(tx, input.method_id, &mut errors)
            .await?;
        let defs = self.field_defs_in(tx, Kind::Payment).await?;
        let mut custom = kuijing_domain::fields::parse_custom(&defs, &input.custom, &mut errors);
        crate::unique_fields::check_unique_custom(
            tx,
            Kind::Payment,
            &defs,
            &custom,
            except,
            &mut errors,
        )
        .await?;
        let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
        let scope = (&visibility, caller.user.id, self.today());
        kuijing_domain::dates::check_years(
            &mut errors,
            &[("received_on", Some(input.received_on))],
        );
        if input.received_on > self.today() {
            errors.add("received_on", "date_future");
        }
        let contract = contracts::get(tx, scope, input.contract_id).await?;
        let seen = contract.is_some();
        // Reported with every other bad field; an instalment belongs to a
        // contract, so without one there is none to check it against. A
        // contract outside the caller's scope is one they may not choose,
        // never said to be unapproved.
        let Some(contract) = contract.filter(|c| c.status == DocStatus::Approved) else {
            let code = if seen {
                "contract_not_approved"
            } else {
                "contract_unknown"
            };
            errors.add("contract_id", code);
            return Err(errors.into());
        };
        crate::products::fit_currency(&mut errors, "amount", amount, &contract.currency);
        kuijing_domain::fields::fit_custom_money(
            &defs,
            &mut custom,
            &contract.currency,
            &mut errors,
        );
        let plan = match input.plan_id {
            Some(plan) => {
                let found = contracts::plans(tx, contract.id)
                    .await?
                    .into_iter()
                    .find(|p| p.id == plan);
                if found.is_none() {
                    errors.add("plan_id", "invalid_choice");
                }
                found
            }
            None => None,
        };
        // Payments not yet approved count too, so several drafts cannot
        // together pass the contract's amount unnoticed.
        let pending = payments::pending_total(tx, contract.id, except, true).await?;
        let committed = contract.received.saturating_add(pending);
        let exceeding = sales::exceeds_outstanding(contract.amount, committed, amount);
        if errors.is_empty() && exceeding && !input.confirm_exceeding {
            let counted = pending_named(tx, (&contract, None), except, true).await?;
            errors.push(
                past_outstanding(
                    "exceeds_outstanding",
                    (amount, contract.amount.saturating_sub(committed)),
                    &contract.currency,
                )
                .counting(counted),
            );
        }
        // The same for the instalment it is paid against: what goes beyond
        // it is carried to the next instalments, but only when confirmed.
        let (past_instalment, left) = match &plan {
            Some(plan) => {
                let pending = payments::pending_on_plan(tx, plan.id, except, true).await?;
                (
                    sales::exceeds_instalment(plan.amount, plan.received, pending, amount),
                    plan.amount - plan.received.saturating_add(pending),
                )
            }
            None => (false, 0),
        };
        if errors.is_empty() && past_instalment && !input.confirm_exceeding {
            let counted = pending_named(tx, (&contract, input.plan_id), except, true).await?;
            errors.push(
                past_outstanding("exceeds_instalment", (amount, left), &contract.currency)
                    .counting(counted),
            );
        }
        errors.into_result()?;
        Ok((
            PaymentFields {
                custom,
                exceeding_confirmed: (exceeding || past_instalment) && input.confirm_exceeding,
                contract_id: contract.id,
                plan_id: input.plan_id,
                received_on: input.received_on,
                method_id: input.method_id,
                amount,
                currency: contract.currency.clone(),
                notes,
            },
            number,
            contract,
        ))
    }
}
