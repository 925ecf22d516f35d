//! The actions people take on an approval in progress: approve, reject,
//! hand over and withdraw.

use super::*;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalActionInput {
    /// `approve`, `reject`, `hand_over` or `withdraw`.
    pub action: String,
    /// Required to reject.
    pub comment: Option<String>,
    /// The user a `hand_over` gives the decision to.
    pub to: Option<i64>,
    /// Whose waiting seat a `hand_over` passes on; the caller's own by
    /// default. Passing another approver's seat (one who was disabled, or
    /// is away) needs `approval.manage`.
    pub from: Option<i64>,
    /// The step (its place in the plan, from 0) the decision is meant for,
    /// as the page showed it. When the approval has moved on since, the
    /// action is refused (`approval_moved_on`) rather than taken on a step
    /// the user has not seen: a double click on "approve" never decides the
    /// next step too.
    pub step: Option<i64>,
}

impl App {
    /// Approve, reject, hand over or withdraw.
    pub async fn act_on_approval(
        &self,
        caller: &Caller,
        id: i64,
        input: &ApprovalActionInput,
    ) -> Result<ApprovalView> {
        let mut tx = self.db.write().await?;
        // Approvers acting at once take turns, each reading the state the
        // one before left.
        approvals::lock(&mut tx, id).await?;
        let stored = approvals::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let user = caller.user.id;
        // Handing over someone else's seat is an approval manager's act.
        let for_other = input.from.filter(|from| *from != user);
        if for_other.is_some() && input.action != "hand_over" {
            return Err(ServiceError::Invalid(
                FieldError::new("from", "only_hand_over").into(),
            ));
        }
        // Whoever holds a seat on the plan may ask: one who already decided
        // is told so rather than that the approval does not exist.
        let seated = stored
            .state
            .plan
            .iter()
            .any(|step| step.approvers.iter().any(|seat| seat.user == user));
        // Withdrawing is for the submitter and the record's owner now (the
        // record may have been transferred while in approval), and only
        // while they see the record.
        let mut for_owner = false;
        if input.action == "withdraw" {
            let access = self
                .record_access(&mut tx, caller, &stored.kind, stored.record_id)
                .await?;
            if !access.visible {
                return Err(ServiceError::NotFound);
            }
            for_owner = access.owner == Some(user);
        }
        let involved = stored.submitter_id == user || seated || for_owner;
        if for_other.is_some() {
            if !involved && !caller.can(manage()) {
                return Err(ServiceError::NotFound);
            }
            caller.require(manage())?;
        } else if !involved {
            return Err(ServiceError::NotFound);
        }
        // The step the page showed is no longer the one to decide: say
        // what happened instead (withdrawn, ended, not reached yet, or
        // decided since).
        if let Some(step) = input.step {
            use kuijing_domain::approval::Status;
            let current = stored.state.current as i64;
            let code = match stored.state.status {
                Status::Withdrawn => Some("approval_was_withdrawn"),
                Status::Approved | Status::Rejected => Some("approval_ended"),
                Status::InProgress if step > current => Some("approval_step_not_reached"),
                Status::InProgress if step < current => Some("approval_moved_on"),
                Status::InProgress => None,
            };
            if let Some(code) = code {
                return Err(ServiceError::Refused { code });
            }
        }
        let comment = text::parse_optional_text(input.comment.as_deref(), 1000)
            .map_err(|refusal| ServiceError::Invalid(refusal.on("comment").into()))?;
        let mut state = stored.state.clone();
        let events = match input.action.as_str() {
            "approve" => state.approve(user),
            "reject" => {
                if comment.is_none() {
                    return Err(ServiceError::Invalid(
                        FieldError::new("comment", "required").into(),
                    ));
                }
                state.reject(user)
            }
            "hand_over" => {
                let Some(to) = input.to else {
                    return Err(ServiceError::Invalid(
                        FieldError::new("to", "required").into(),
                    ));
                };
                match kuijing_store::users::for_actor(&mut tx, to).await? {
                    Some((target, _)) if target.status == kuijing_domain::UserStatus::Active => {}
                    _ => {
                        return Err(ServiceError::Invalid(
                            FieldError::new("to", "user_unknown").into(),
                        ));
                    }
                }
                if !may_be_given_seat(&mut tx, &stored.kind, to).await? {
                    return Err(ServiceError::Invalid(
                        FieldError::new("to", "approver_cannot_approve").into(),
                    ));
                }
                state.hand_over(for_other.unwrap_or(user), to)
            }
            "withdraw" => state.withdraw_as(user, for_owner),
            _ => {
                return Err(ServiceError::Invalid(
                    FieldError::new("action", "invalid_choice").into(),
                ));
            }
        }
        .map_err(engine_error)?;
        if state.status == Status::Approved {
            self.check_record_approvable(&mut tx, &stored).await?;
        }
        let now = self.now();
        save_state(&mut tx, id, (&stored.state, &state), now).await?;
        let action = NewAction {
            step: Some(stored.state.current as i64),
            action: &input.action,
            actor_id: Some(user),
            target_id: input.to.filter(|_| input.action == "hand_over"),
            from_id: Some(for_other.unwrap_or(user)).filter(|_| input.action == "hand_over"),
            comment: comment.as_deref(),
        };
        approvals::add_action(&mut tx, id, &action, now).await?;
        self.record_events(&mut tx, id, None, &events, Some(&input.action))
            .await?;
        self.approval_moved(&mut tx, caller, &stored, &state)
            .await?;
        tx.commit().await?;
        tracing::info!(
            approval.id = id,
            action = input.action.as_str(),
            status = state.status.as_str(),
            actor.id = user,
            "approval action"
        );
        let mut tx = self.db.read().await?;
        self.approval_view(&mut tx, caller, &stored.kind, stored.record_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Whether the record may be approved now: a payment only while its
    /// contract is approved (one voided meanwhile refuses the last step;
    /// rejecting it still works). The contract is locked, so it is not
    /// voided while the payment is being approved.
    async fn check_record_approvable(&self, tx: &mut Tx, stored: &StoredApproval) -> Result<()> {
        if stored.kind != Kind::Payment.as_str() {
            return Ok(());
        }
        let Some(payment) = kuijing_store::payments::get_unscoped(tx, stored.record_id).await?
        else {
            return Ok(());
        };
        kuijing_store::contracts::lock(tx, payment.contract_id).await?;
        if let Some(contract) =
            kuijing_store::contracts::get_unscoped(tx, payment.contract_id).await?
        {
            crate::payments::contract_must_be_approved(&contract)?;
        }
        Ok(())
    }
}
