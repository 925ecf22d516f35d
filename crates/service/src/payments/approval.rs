//! Moving a payment toward approval and back out of it: its submit into
//! the payment flow (checked again against what its contract still has
//! outstanding) and the void of an approved one.

use kuijing_domain::approval::Status;
use kuijing_domain::change::Diff;
use kuijing_domain::sales::{self, DocStatus};
use kuijing_domain::{Action, Kind, text};
use kuijing_store::contracts::{self, Contract};
use kuijing_store::payments;

use super::edits::{past_outstanding, pending_named};
use super::{PaymentDetail, VoidInput};
use crate::contracts::{SubmitInput, payment};
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// Who voids an approved payment (money recorded by mistake, or returned):
/// those who may approve payments, and approval managers.
pub(super) fn may_void(caller: &Caller) -> bool {
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

impl App {
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
                let counted = pending_named(&mut tx, (&contract, None), Some(id), false).await?;
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
                    let counted =
                        pending_named(&mut tx, (&contract, Some(plan.id)), Some(id), false).await?;
                    return Err(ServiceError::Invalid(
                        past_outstanding(
                            "exceeds_instalment",
                            (current.amount, left),
                            &contract.currency,
                        )
                        .counting(counted)
                        .into(),
                    ));
                }
            }
        }
        let now = self.now();
        payments::set_status(&mut tx, id, current.status, DocStatus::InApproval, now).await?;
        let status = self
            .start_record_approval(
                &mut tx,
                caller,
                (Kind::Payment, id, &current.number),
                (current.amount, &current.currency, current.owner_id),
                &current.custom,
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
}
