//! Who may hold an approver's seat, and what becomes of the seats of a
//! user who was disabled.

use super::*;

/// The permissions of which a user given a seat by a person must hold one
/// for approvals of a kind: `contract.approve` or `payment.approve` for
/// those kinds; for custom kinds (which have no approve permission of their
/// own), either of those or `approval.manage`, so that a peer without any
/// right to decide is never chosen or handed a decision.
fn approve_permissions(kind: &str) -> Vec<Permission> {
    match kind.parse::<Kind>() {
        Ok(kind @ (Kind::Contract | Kind::Payment)) => vec![Permission::new(kind, Action::Approve)],
        _ => vec![
            Permission::new(Kind::Contract, Action::Approve),
            Permission::new(Kind::Payment, Action::Approve),
            manage(),
        ],
    }
}

/// Whether a user may be given a seat by a person rather than by the flow:
/// chosen by the submitter or handed over to. The approvers a flow names
/// itself (users, superiors, a role, the department head) decide by the
/// flow, as the administrator who set it up chose them; anyone else must
/// hold one of the kind's approve permissions.
pub(crate) async fn may_be_given_seat(tx: &mut Tx, kind: &str, user: i64) -> Result<bool> {
    let Some((found, _)) = kuijing_store::users::for_actor(tx, user).await? else {
        return Ok(false);
    };
    let roles = kuijing_store::roles::of_user(tx, user).await?;
    let actor = kuijing_domain::Actor::new(found.id, found.department_id, &roles);
    Ok(approve_permissions(kind)
        .into_iter()
        .any(|permission| actor.can(permission)))
}

impl App {
    /// Gives the undecided seats of a user who was just disabled to each
    /// flow's rule for no approver (see `Approval::vacate`): the fallback
    /// user, or a skip. Under the default rule (refuse) the seats stay, and
    /// an approval manager hands them over from the record's panel.
    pub(crate) async fn vacate_seats(&self, tx: &mut Tx, caller: &Caller, user: i64) -> Result<()> {
        let seated: Vec<StoredApproval> = approvals::in_progress(tx)
            .await?
            .into_iter()
            .filter(|a| {
                a.state.plan.iter().skip(a.state.current).any(|step| {
                    step.approvers
                        .iter()
                        .any(|seat| seat.user == user && seat.decision.is_none())
                })
            })
            .collect();
        if seated.is_empty() {
            return Ok(());
        }
        let directory = approvals::directory(tx).await?;
        for stored in seated {
            let Some(flow_id) = stored.flow_id else {
                continue;
            };
            let Some(flow) = approvals::flow(tx, flow_id).await? else {
                continue;
            };
            let mut state = stored.state.clone();
            let events = state
                .vacate(user, flow.definition.when_no_approver, &directory)
                .map_err(engine_error)?;
            if events.is_empty() {
                tracing::info!(
                    approval.id = stored.id,
                    user.id = user,
                    "disabled approver's seat left for an approval manager"
                );
                continue;
            }
            save_state(tx, stored.id, (&stored.state, &state), self.now()).await?;
            self.record_events(tx, stored.id, None, &events, None)
                .await?;
            self.approval_moved(tx, caller, &stored, &state).await?;
            tracing::info!(
                approval.id = stored.id,
                user.id = user,
                status = state.status.as_str(),
                "disabled approver's seats given to the flow's rule"
            );
        }
        Ok(())
    }
}
