//! Payments (回款): money received against an approved contract. A payment
//! that would take its contract past its amount — counting the payments not
//! yet approved — needs confirmation, checked again on submit; payments are
//! approved through their kind's flow, and approved ones make up what the
//! contract and its instalments received.

use chrono::NaiveDate;
use kuijing_domain::approval::Status;
use kuijing_domain::change::Diff;
use kuijing_domain::error::PendingRecord;
use kuijing_domain::sales::{self, DocStatus};
use kuijing_domain::{Action, ChangeAction, FieldErrors, Kind, money, text};
use kuijing_store::Tx;
use kuijing_store::contracts::{self, Contract};
use kuijing_store::lists::Filter;
use kuijing_store::payments::{self, PaymentFields, PaymentQuery};
use kuijing_store::schema::Payments;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::approvals::ApprovalView;
use crate::changelog::LogView;
use crate::contracts::{
    CurrencyTotal, SubmitInput, name_of, owners_of_view, parse_status, payment,
};
use crate::error::{Result, ServiceError};
use crate::products::DecimalText;
use crate::{App, Caller, ListPage, PageRequest};

pub use kuijing_store::payments::Payment;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub number: Option<String>,
    pub contract_id: i64,
    pub plan_id: Option<i64>,
    pub received_on: NaiveDate,
    pub method_id: Option<i64>,
    pub amount: DecimalText,
    pub notes: Option<String>,
    /// Values of the payment fields (`/api/v1/fields?kind=payment`), by
    /// field key: a field left out takes its default, and a bad value is
    /// refused naming the field (`custom.<key>`).
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    /// Confirms a payment above what the contract still has outstanding.
    #[serde(default)]
    pub confirm_exceeding: bool,
    pub version: Option<i64>,
    /// What a form could not read (a date that does not exist): reported
    /// with every other error of the input, so nothing is saved. Never
    /// part of the API.
    #[serde(skip)]
    pub unread: FieldErrors,
}

/// Why an approved payment is voided.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidInput {
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct PaymentListQuery {
    pub search: Option<String>,
    pub status: Option<String>,
    pub contract_id: Option<i64>,
    /// Payments of this customer's contracts.
    pub customer_id: Option<i64>,
    pub view: Option<String>,
    /// Received on these days, by these owners (a dashboard figure's).
    pub drill: crate::dashboard::Drill,
    /// Conditions on the payment's custom fields (`custom.<key>`), as the
    /// record lists take them.
    pub filters: Vec<crate::list_filters::FilterInput>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentDetail {
    #[serde(flatten)]
    pub payment: Payment,
    pub owner_name: Option<String>,
    pub approval: Option<ApprovalView>,
    pub change_log: Vec<LogView>,
    pub can_edit: bool,
    /// Whether the caller may delete it now (see [`may_delete`]).
    pub can_delete: bool,
    /// Whether the caller may void it now: it is approved, and they may
    /// approve payments or manage approvals (see [`may_void`]).
    pub can_void: bool,
}

/// A payment's amount past what remains, naming both: `remaining` is what
/// the contract (or the instalment) still has outstanding, less the
/// payments not yet approved, and never below zero.
fn past_outstanding(
    code: &'static str,
    (amount, remaining): (i64, i64),
    currency: &str,
) -> kuijing_domain::FieldError {
    let text = |minor: i64| money::format_money(minor, currency);
    kuijing_domain::FieldError::new("amount", code)
        .with("amount", text(amount))
        .with("outstanding", text(remaining.max(0)))
}

/// The payments not yet approved that a check of what `contract` has
/// outstanding counted (those in approval, and drafts when `with_drafts`),
/// leaving out the payment checked (`except`), so the refusal names them.
async fn pending_named(
    tx: &mut Tx,
    contract: &Contract,
    except: Option<i64>,
    with_drafts: bool,
) -> Result<Vec<PendingRecord>> {
    Ok(payments::pending_of_contract(tx, contract.id)
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != except)
        .filter(|p| with_drafts || p.status == DocStatus::InApproval.as_str())
        .map(|p| PendingRecord {
            id: p.id,
            number: p.number,
            amount: p.amount,
            currency: contract.currency.clone(),
            status: p.status,
        })
        .collect())
}

/// Whether an edit keeps what was confirmed about a payment's amount: it
/// was confirmed past what was outstanding, and the edit leaves its amount,
/// contract and instalment as they were (its notes, date or method may
/// change without confirming again).
fn keeps_confirmation(current: &Payment, input: &PaymentInput) -> bool {
    current.exceeding_confirmed
        && input.contract_id == current.contract_id
        && input.plan_id == current.plan_id
        && money::parse_positive(&input.amount.text()).ok() == Some(current.amount)
}

/// Who voids an approved payment (money recorded by mistake, or returned):
/// those who may approve payments, and approval managers.
fn may_void(caller: &Caller) -> bool {
    caller.can(payment(Action::Approve))
        || caller.can(kuijing_domain::Permission::new(
            Kind::Approval,
            Action::Manage,
        ))
}

/// Refuses to move a payment toward approval (its submit, or its last
/// approval step) while its contract is not approved: money counts only
/// against approved contracts. The message names the contract, its status
/// and the way out for that status.
pub(crate) fn contract_must_be_approved(contract: &Contract) -> Result<()> {
    if contract.status == DocStatus::Approved {
        return Ok(());
    }
    refuse_unapproved_contract(contract)
}

/// As [`contract_must_be_approved`], for the submit of a payment: a void
/// contract is told as what it is (the payment cannot be submitted, and is
/// deleted or moved to an approved contract), not as a payment to reject.
fn contract_must_be_approved_to_submit(contract: &Contract) -> Result<()> {
    if contract.status == DocStatus::Void {
        return Err(ServiceError::RefusedWith {
            code: "payment_on_void_contract",
            params: vec![("contract", contract.number.clone())],
        });
    }
    contract_must_be_approved(contract)
}

fn refuse_unapproved_contract(contract: &Contract) -> Result<()> {
    let status = contract.status.as_str().to_string();
    Err(ServiceError::RefusedWith {
        code: "payment_contract_not_approved",
        params: vec![
            ("contract", contract.number.clone()),
            ("contract_status", status.clone()),
            ("contract_fix", status),
        ],
    })
}

/// Who deletes a payment not yet approved (a draft, or a rejected or
/// withdrawn one) in their scope: whoever has `payment.delete` (the built-in
/// sales rep has it, for their own drafts).
fn may_delete(caller: &Caller) -> bool {
    caller.can(payment(Action::Delete))
}

/// The store's query of a payment list: its search, status, contract and view.
pub(crate) fn payment_store_query(
    caller: &Caller,
    query: &PaymentListQuery,
) -> Result<PaymentQuery> {
    Ok(PaymentQuery {
        search: query
            .search
            .as_deref()
            .map(text::normalize)
            .filter(|s| !s.is_empty()),
        status: parse_status(query.status.as_deref())?,
        contract: query.contract_id,
        customer: query.customer_id,
        owners: query
            .drill
            .owners(owners_of_view(caller, query.view.as_deref())?),
        received_from: query.drill.days().0,
        received_before: query.drill.days().1,
        ..PaymentQuery::default()
    })
}

/// What a payment list filters on: custom fields only (its own fields have
/// parameters of their own).
const PAYMENT_FILTERS: crate::list_filters::ListSpec<Payments> = crate::list_filters::ListSpec {
    kind: "payments",
    fields: &[],
    sortable: &[],
    sort_only: &[],
    shown: &[],
    id: Payments::Id,
    owner: Payments::OwnerId,
    created: Payments::CreatedAt,
};

impl App {
    /// The conditions of a payment list on custom fields as the store's
    /// filters, each refused by its place (`filters.<n>`) when it names no
    /// payment field or does not fit the field's type.
    pub(crate) async fn payment_filters(
        &self,
        tx: &mut Tx,
        filters: &[crate::list_filters::FilterInput],
    ) -> Result<Vec<Filter<Payments>>> {
        if filters.is_empty() {
            return Ok(Vec::new());
        }
        let defs = self.field_defs_in(tx, Kind::Payment).await?;
        let mut errors = FieldErrors::new();
        let mut found = Vec::new();
        for (index, input) in filters.iter().enumerate() {
            match self.filter_of(&PAYMENT_FILTERS, &defs, input) {
                Ok(filter) => found.push(filter),
                Err(code) => errors.push(crate::list_filters::condition_error(
                    &PAYMENT_FILTERS,
                    &defs,
                    (index, input),
                    code,
                )),
            }
        }
        errors.into_result()?;
        Ok(found)
    }

    /// A page of payments, the newest first (see
    /// [`App::list_payments_sorted`] for another order).
    pub async fn list_payments(
        &self,
        caller: &Caller,
        query: &PaymentListQuery,
        page: PageRequest,
    ) -> Result<(ListPage<Payment>, Vec<CurrencyTotal>)> {
        self.list_payments_sorted(caller, query, None, page).await
    }

    pub async fn get_payment(&self, caller: &Caller, id: i64) -> Result<PaymentDetail> {
        caller.require(payment(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let found = payments::get(&mut tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let writable = payments::writable(&mut tx, scope, id).await? && found.status.editable();
        let can_edit = caller.can(payment(Action::Edit)) && writable;
        let can_delete = writable && may_delete(caller);
        let found_approved = found.status == DocStatus::Approved;
        let approval = self
            .approval_view(&mut tx, caller, Kind::Payment.as_str(), id)
            .await?;
        let change_log = self
            .change_log_in(&mut tx, (Kind::Payment, id), &found.currency)
            .await?;
        let owner = found.owner_id.into_iter().collect::<Vec<_>>();
        let names = kuijing_store::users::names(&mut tx, &owner).await?;
        Ok(PaymentDetail {
            owner_name: name_of(&names, found.owner_id),
            payment: found,
            approval,
            change_log,
            can_edit,
            can_delete,
            can_void: found_approved && may_void(caller),
        })
    }

    pub async fn create_payment(
        &self,
        caller: &Caller,
        input: PaymentInput,
    ) -> Result<PaymentDetail> {
        caller.require(payment(Action::Create))?;
        let mut tx = self.db.write().await?;
        let id = self.insert_payment(&mut tx, caller, &input, None).await?;
        tx.commit().await?;
        self.get_payment(caller, id).await
    }

    /// Saves a new payment as a draft. It belongs to `owner` when given (an
    /// import's owner column), else to its contract's owner, so that whoever
    /// sees the contract's money sees it, whoever recorded it; someone who
    /// records a payment they could not change then (a member of the
    /// contract's team) joins its team, able to change and submit it.
    pub(crate) async fn insert_payment(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &PaymentInput,
        owner: Option<i64>,
    ) -> Result<i64> {
        let (fields, number, contract) = self.check_payment(tx, caller, input, None).await?;
        let number = match number {
            Some(number) => number,
            None => crate::numbering::next_free(tx, Kind::Payment, fields.received_on).await?,
        };
        let now = self.now();
        let owner = owner.or(contract.owner_id).unwrap_or(caller.user.id);
        let id = payments::insert(
            tx,
            &fields,
            (&number, &contract.customer_name),
            owner,
            (caller.user.id, now),
        )
        .await
        .map_err(|e| crate::error::unique_to_field(e, "payments_number", "number", "taken"))?;
        if owner != caller.user.id {
            let visibility = self.visibility_of(tx, caller, Kind::Payment).await?;
            let scope = (&visibility, caller.user.id, self.today());
            if !payments::writable(tx, scope, id).await? {
                kuijing_store::teams::put(tx, Kind::Payment, id, caller.user.id, true, None)
                    .await?;
            }
        }
        self.log_named(
            tx,
            caller,
            (Kind::Payment, id),
            ChangeAction::Create,
            ("number", &number),
        )
        .await?;
        Ok(id)
    }

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

    pub async fn submit_payment(
        &self,
        caller: &Caller,
        id: i64,
        input: &SubmitInput,
    ) -> Result<PaymentDetail> {
        caller.require(payment(Action::Submit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_payment(&mut tx, caller, id).await?;
        if !current.status.submittable() {
            return Err(ServiceError::Refused {
                code: "payment_not_submittable",
            });
        }
        // Checked again: other payments may have come in since it was saved.
        // The contract is held first, so payments submitted at once are
        // checked one after another, each seeing those before it.
        contracts::lock(&mut tx, current.contract_id).await?;
        let contract = contracts::get_unscoped(&mut tx, current.contract_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        contract_must_be_approved_to_submit(&contract)?;
        if !current.exceeding_confirmed && !input.confirm_exceeding {
            let pending = payments::pending_total(&mut tx, contract.id, Some(id), false).await?;
            let committed = contract.received.saturating_add(pending);
            if sales::exceeds_outstanding(contract.amount, committed, current.amount) {
                let counted = pending_named(&mut tx, &contract, Some(id), false).await?;
                return Err(ServiceError::Invalid(
                    past_outstanding(
                        "exceeds_outstanding",
                        (current.amount, contract.amount.saturating_sub(committed)),
                        &contract.currency,
                    )
                    .counting(counted)
                    .into(),
                ));
            }
            if let Some(plan) = current.plan_id
                && let Some(plan) = contracts::plans(&mut tx, contract.id)
                    .await?
                    .into_iter()
                    .find(|p| p.id == plan)
            {
                let pending = payments::pending_on_plan(&mut tx, plan.id, Some(id), false).await?;
                if sales::exceeds_instalment(plan.amount, plan.received, pending, current.amount) {
                    let left = plan.amount - plan.received.saturating_add(pending);
                    return Err(ServiceError::Invalid(
                        past_outstanding(
                            "exceeds_instalment",
                            (current.amount, left),
                            &contract.currency,
                        )
                        .into(),
                    ));
                }
            }
        }
        let now = self.now();
        payments::set_status(&mut tx, id, current.status, DocStatus::InApproval, now).await?;
        let mut facts = self
            .facts_of(
                &mut tx,
                (current.amount, &current.currency),
                current.owner_id,
            )
            .await?;
        let defs = self.field_defs_in(&mut tx, Kind::Payment).await?;
        crate::approvals::add_field_facts(&mut facts, &defs, &current.custom);
        let status = self
            .start_approval(
                &mut tx,
                caller,
                (Kind::Payment.as_str(), id, &current.number),
                &facts,
                &input.approvers,
            )
            .await?;
        let reached = if status == Status::Approved {
            payments::set_status(&mut tx, id, DocStatus::InApproval, DocStatus::Approved, now)
                .await?;
            contracts::recompute_received(&mut tx, current.contract_id, self.today()).await?;
            DocStatus::Approved
        } else {
            DocStatus::InApproval
        };
        self.log_update(
            &mut tx,
            caller,
            Kind::Payment,
            id,
            "status",
            Some(current.status.as_str().to_string()),
            Some(reached.as_str().to_string()),
        )
        .await?;
        tx.commit().await?;
        self.get_payment(caller, id).await
    }

    pub async fn delete_payment(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(payment(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_payment(&mut tx, caller, id).await?;
        if !current.status.editable() {
            return Err(ServiceError::Refused {
                code: "payment_not_deletable",
            });
        }
        payments::delete(&mut tx, id).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Payment, id),
            ChangeAction::Delete,
            ("number", &current.number),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The payment the caller may change, locked for the rest of the
    /// transaction (a payment first, then its contract).
    /// Voids an approved payment with a reason: it no longer counts toward
    /// its contract and instalments, which are computed again, and the
    /// change log keeps who voided it and why. A contract whose payments are
    /// all voided may then be voided itself.
    pub async fn void_payment(
        &self,
        caller: &Caller,
        id: i64,
        input: &VoidInput,
    ) -> Result<PaymentDetail> {
        if !may_void(caller) {
            return Err(ServiceError::Forbidden);
        }
        let reason = text::parse_optional_text(Some(&input.reason), 500)
            .map_err(|refusal| ServiceError::Invalid(refusal.on("reason").into()))?
            .ok_or_else(|| {
                ServiceError::Invalid(kuijing_domain::FieldError::new("reason", "required").into())
            })?;
        let mut tx = self.db.write().await?;
        payments::lock(&mut tx, id).await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let current = payments::get(&mut tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        contracts::lock(&mut tx, current.contract_id).await?;
        if current.status != DocStatus::Approved
            || !payments::set_status(
                &mut tx,
                id,
                DocStatus::Approved,
                DocStatus::Void,
                self.now(),
            )
            .await?
        {
            return Err(ServiceError::Refused {
                code: "payment_not_approved",
            });
        }
        contracts::recompute_received(&mut tx, current.contract_id, self.today()).await?;
        let mut diff = Diff::new();
        diff.field(
            "status",
            Some(DocStatus::Approved.as_str().to_string()),
            Some(DocStatus::Void.as_str().to_string()),
        );
        diff.field("void_reason", None, Some(reason));
        self.log_diff(&mut tx, caller, Kind::Payment, id, diff)
            .await?;
        tx.commit().await?;
        tracing::info!(payment.id = id, actor.id = caller.user.id, "payment voided");
        self.get_payment(caller, id).await
    }

    async fn writable_payment(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<Payment> {
        payments::lock(tx, id).await?;
        let visibility = self.visibility_of(tx, caller, Kind::Payment).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let found = payments::get(tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !payments::writable(tx, scope, id).await? {
            return Err(ServiceError::Forbidden);
        }
        Ok(found)
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
            let counted = pending_named(tx, &contract, except, true).await?;
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
            errors.push(past_outstanding(
                "exceeds_instalment",
                (amount, left),
                &contract.currency,
            ));
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
