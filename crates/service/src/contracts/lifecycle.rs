//! A contract's way through its approval: submitted, approved, or voided
//! with a reason by those who may.

use super::*;

/// Who voids an approved contract (signed by mistake, or cancelled): as
/// for a payment, those who may approve contracts, and approval managers.
pub(super) fn may_void(caller: &Caller) -> bool {
    caller.can(contract(Action::Approve))
        || caller.can(Permission::new(Kind::Approval, Action::Manage))
}

impl App {
    /// Puts a contract into its approval flow; approved at once without one.
    pub async fn submit_contract(
        &self,
        caller: &Caller,
        id: i64,
        input: &SubmitInput,
    ) -> Result<ContractDetail> {
        caller.require(contract(Action::Submit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_contract(&mut tx, caller, id).await?;
        if !current.status.submittable() {
            return Err(ServiceError::Refused {
                code: refusal_of(current.status, "contract_not_submittable"),
            });
        }
        // Its opportunity may have been lost since the contract was made.
        if let Some(opportunity) = current.opportunity_id
            && kuijing_store::opportunities::get_unscoped(&mut tx, opportunity)
                .await?
                .is_some_and(|o| o.outcome.is_empty_close())
        {
            let error =
                kuijing_domain::FieldError::new("opportunity_id", "opportunity_closed_empty");
            return Err(ServiceError::Invalid(error.into()));
        }
        let now = self.now();
        contracts::set_status(&mut tx, id, current.status, DocStatus::InApproval, now).await?;
        let status = self
            .start_record_approval(
                &mut tx,
                caller,
                (Kind::Contract, id, &current.number),
                (current.amount, &current.currency, current.owner_id),
                &current.custom,
                &input.approvers,
            )
            .await?;
        let reached = if status == Status::Approved {
            contracts::set_status(&mut tx, id, DocStatus::InApproval, DocStatus::Approved, now)
                .await?;
            self.contract_approved(&mut tx, id).await?;
            DocStatus::Approved
        } else {
            DocStatus::InApproval
        };
        self.log_update(
            &mut tx,
            caller,
            Kind::Contract,
            id,
            "status",
            Some(current.status.as_str().to_string()),
            Some(reached.as_str().to_string()),
        )
        .await?;
        tx.commit().await?;
        self.get_contract(caller, id).await
    }

    /// What follows a contract's approval: its customer is dealt (成交).
    /// What an approval does to its contract: it marks the customer dealt,
    /// and a contract without a signing date takes the day it is approved,
    /// since approved contracts count on the day they were signed and one
    /// without that day would count nowhere while its payments count.
    pub(crate) async fn contract_approved(&self, tx: &mut Tx, id: i64) -> Result<()> {
        if let Some(found) = contracts::get_unscoped(tx, id).await? {
            customers::mark_dealt(tx, found.customer_id, self.now()).await?;
            contracts::date_if_undated(tx, id, self.today()).await?;
        }
        Ok(())
    }

    /// Voids an approved contract that has no approved payments, for a
    /// reason the change log keeps: see [`may_void`] for who may.
    pub async fn void_contract(
        &self,
        caller: &Caller,
        id: i64,
        input: &VoidInput,
    ) -> Result<ContractDetail> {
        if !may_void(caller) {
            return Err(ServiceError::Forbidden);
        }
        let reason = text::parse_optional_text(Some(&input.reason), VOID_REASON_MAX)
            .map_err(|refusal| ServiceError::Invalid(refusal.on("reason").into()))?
            .ok_or_else(|| {
                ServiceError::Invalid(kuijing_domain::FieldError::new("reason", "required").into())
            })?;
        let mut tx = self.db.write().await?;
        let current = self.writable_contract(&mut tx, caller, id).await?;
        if current.status != DocStatus::Approved {
            return Err(ServiceError::Refused {
                code: "contract_not_approved",
            });
        }
        if current.received > 0 {
            // Named, so the voider knows which payments to void first.
            let query = PaymentQuery {
                contract: Some(id),
                status: Some(DocStatus::Approved),
                ..PaymentQuery::default()
            };
            let everything = kuijing_domain::Visibility::everything();
            let scope = (&everything, caller.user.id, self.today());
            let numbers: Vec<String> = payments::list(&mut tx, scope, &query, None, 200)
                .await?
                .into_iter()
                .map(|p| p.number)
                .collect();
            return Err(ServiceError::RefusedWith {
                code: "contract_has_approved_payments",
                params: vec![("payments", numbers.join(", "))],
            });
        }
        // A payment in approval would otherwise pass on a void contract.
        let in_approval: Vec<String> = payments::pending_of_contract(&mut tx, id)
            .await?
            .into_iter()
            .filter(|p| p.status == DocStatus::InApproval.as_str())
            .map(|p| p.number)
            .collect();
        if !in_approval.is_empty() {
            return Err(ServiceError::RefusedWith {
                code: "contract_has_payments_in_approval",
                params: vec![("payments", in_approval.join(", "))],
            });
        }
        contracts::set_status(
            &mut tx,
            id,
            DocStatus::Approved,
            DocStatus::Void,
            self.now(),
        )
        .await?;
        // Its instalments end with it: none of them is owed, or overdue.
        contracts::recompute_received(&mut tx, id, self.today()).await?;
        // Its customer was dealt by it; with no other approved contract, no more.
        customers::undeal_unless_approved(&mut tx, current.customer_id).await?;
        let mut diff = Diff::new();
        diff.field(
            "status",
            Some(DocStatus::Approved.as_str().to_string()),
            Some(DocStatus::Void.as_str().to_string()),
        );
        diff.field("void_reason", None, Some(reason));
        self.log_diff(&mut tx, caller, Kind::Contract, id, diff)
            .await?;
        tx.commit().await?;
        tracing::info!(
            contract.id = id,
            actor.id = caller.user.id,
            "contract voided"
        );
        self.get_contract(caller, id).await
    }

    /// The facts a flow's conditions look at: the amount (in minor units)
    /// and its currency, the owner and the owner's department.
    /// Puts a contract or a payment into the flow of its kind: the facts
    /// its conditions read (amount, owner, custom fields), then the flow.
    pub(crate) async fn start_record_approval(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, id, number): (Kind, i64, &str),
        (amount, currency, owner): (i64, &str, Option<i64>),
        custom: &serde_json::Map<String, serde_json::Value>,
        approvers: &Chosen,
    ) -> Result<Status> {
        let mut facts = self.facts_of(tx, (amount, currency), owner).await?;
        let defs = self.field_defs_in(tx, kind).await?;
        crate::approvals::add_field_facts(&mut facts, &defs, custom);
        self.start_approval(tx, caller, (kind.as_str(), id, number), &facts, approvers)
            .await
    }

    pub(crate) async fn facts_of(
        &self,
        tx: &mut Tx,
        (amount, currency): (i64, &str),
        owner: Option<i64>,
    ) -> Result<Facts> {
        let mut facts = Facts::new();
        facts.insert("amount".into(), FactValue::Number(amount));
        facts.insert(
            kuijing_domain::approval::CURRENCY.into(),
            FactValue::Text(currency.to_string()),
        );
        if let Some(owner) = owner {
            facts.insert("owner_id".into(), FactValue::Id(owner));
            let org = kuijing_store::departments::org_chart(tx).await?;
            if let Some(department) = org.department_of(owner) {
                facts.insert("department_id".into(), FactValue::Id(department));
            }
        }
        Ok(facts)
    }
}

/// What refuses a change to a contract in `status`: a void one says so,
/// any other the `otherwise` refusal (in approval or approved).
pub(super) fn refusal_of(status: DocStatus, otherwise: &'static str) -> &'static str {
    if status == DocStatus::Void {
        "contract_void"
    } else {
        otherwise
    }
}

/// The reason of the latest voiding in a change log.
pub(super) fn void_reason(change_log: &[LogView]) -> Option<String> {
    change_log
        .iter()
        .filter_map(|entry| {
            entry
                .fields
                .iter()
                .find(|f| f.field == "void_reason")
                .and_then(|f| f.new.clone())
                .map(|reason| (entry.id, reason))
        })
        .max_by_key(|(id, _)| *id)
        .map(|(_, reason)| reason)
}
