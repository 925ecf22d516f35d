//! What follows a move of an approval: its state saved, its events in the
//! history, the people told, and the record told how it ended.

use chrono::{DateTime, Utc};

use super::*;

/// Saves the state an action left over the one it was read in: another
/// action saved in between refuses this one (`approval_changed`) rather
/// than being overwritten.
pub(super) async fn save_state(
    tx: &mut Tx,
    id: i64,
    (read, state): (&Approval, &Approval),
    now: DateTime<Utc>,
) -> Result<()> {
    if !approvals::save(tx, id, read, state, now).await? {
        return Err(ServiceError::Refused {
            code: "approval_changed",
        });
    }
    Ok(())
}

impl App {
    /// Tells the people a move of a stored approval concerns, and its record
    /// how the approval ended when it did.
    pub(super) async fn approval_moved(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        stored: &StoredApproval,
        state: &Approval,
    ) -> Result<()> {
        let moved = ApprovalMove {
            approval_id: stored.id,
            kind: &stored.kind,
            record_id: stored.record_id,
            title: &stored.title,
            actor: caller.user.id,
        };
        self.notify_approval(tx, &moved, (Some(&stored.state), state))
            .await?;
        if state.status != Status::InProgress {
            self.approval_ended(tx, caller, stored, state.status)
                .await?;
        }
        Ok(())
    }

    /// Tells the record how its approval ended, and writes the change of
    /// status into the record's change log as the act of whoever ended it
    /// (the last approver, the one who rejected, the submitter who withdrew).
    async fn approval_ended(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        stored: &StoredApproval,
        status: Status,
    ) -> Result<()> {
        let to = match status {
            Status::Approved => DocStatus::Approved,
            Status::Rejected => DocStatus::Rejected,
            Status::Withdrawn => DocStatus::Withdrawn,
            Status::InProgress => return Ok(()),
        };
        let now = self.now();
        match stored.kind.as_str() {
            "contract" => {
                kuijing_store::contracts::set_status(
                    tx,
                    stored.record_id,
                    DocStatus::InApproval,
                    to,
                    now,
                )
                .await?;
                if to == DocStatus::Approved {
                    self.contract_approved(tx, stored.record_id).await?;
                }
            }
            "payment" => {
                kuijing_store::payments::set_status(
                    tx,
                    stored.record_id,
                    DocStatus::InApproval,
                    to,
                    now,
                )
                .await?;
                if let Some(payment) =
                    kuijing_store::payments::get_unscoped(tx, stored.record_id).await?
                {
                    kuijing_store::contracts::recompute_received(
                        tx,
                        payment.contract_id,
                        self.today(),
                    )
                    .await?;
                }
            }
            // A request of a custom kind (its page shows the approval's history).
            _ => {
                kuijing_store::requests::set_status(
                    tx,
                    stored.record_id,
                    (DocStatus::InApproval.as_str(), to.as_str()),
                    now,
                )
                .await?;
            }
        }
        if let Ok(kind @ (Kind::Contract | Kind::Payment)) = stored.kind.parse::<Kind>() {
            self.log_update(
                tx,
                caller,
                kind,
                stored.record_id,
                "status",
                Some(DocStatus::InApproval.as_str().to_string()),
                Some(to.as_str().to_string()),
            )
            .await?;
        }
        Ok(())
    }

    /// Writes the engine's events into the approval's history. `skip` is
    /// the action the user took, already written with its comment.
    pub(super) async fn record_events(
        &self,
        tx: &mut Tx,
        id: i64,
        actor: Option<i64>,
        events: &[Event],
        skip: Option<&str>,
    ) -> Result<()> {
        let now = self.now();
        for event in events {
            let (step, target, from) = match event {
                Event::StepStarted { step, .. }
                | Event::StepPassed { step }
                | Event::StepSkipped { step, .. } => (Some(*step as i64), None, None),
                Event::Rejected { step, by } => (Some(*step as i64), Some(*by), None),
                Event::HandedOver { step, from, to } => {
                    (Some(*step as i64), Some(*to), Some(*from))
                }
                Event::SeatVacated { step, user } => (Some(*step as i64), Some(*user), None),
                _ => (None, None, None),
            };
            // The user's own action is recorded once, with its comment.
            let name = event.as_str();
            let same_as_action = matches!(
                (skip, name),
                (Some("reject"), "rejected")
                    | (Some("hand_over"), "handed_over")
                    | (Some("withdraw"), "withdrawn")
            );
            if same_as_action || matches!(event, Event::StepPassed { .. }) {
                continue;
            }
            let action = NewAction {
                step,
                action: name,
                actor_id: actor.filter(|_| matches!(event, Event::Submitted | Event::Resubmitted)),
                target_id: target,
                from_id: from,
                comment: None,
            };
            approvals::add_action(tx, id, &action, now).await?;
        }
        Ok(())
    }
}
