//! Approval flows (審批流) and the approvals that run through them. The
//! engine is the domain's state machine; this module stores its state,
//! records every action, and tells the record (a contract, a payment) how
//! its approval ended.

use std::collections::BTreeMap;

use kuijing_domain::approval::{Approval, Chosen, Event, Facts, FlowDef, Status};
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission, text};
use kuijing_store::Tx;
use kuijing_store::approvals::{self, NewAction, NewApproval};
pub use kuijing_store::approvals::{ActionRow, Flow, StoredApproval};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::notifications::ApprovalMove;
use crate::{App, Caller, ListPage, PageRequest};

mod facts;
pub(crate) mod figures;
mod flows;
mod owners;
mod refusals;
mod views;

pub use facts::FACTS;
pub(crate) use facts::add_field_facts;
pub use flows::{FlowInput, FlowName, SavedFlow};
use refusals::{engine_error, refused_submit};
pub use views::ApprovalItem;

/// The kinds with their own records; administrators may add other kinds
/// (quotation, refund, expense, ...) whose approvals carry their own form.
pub const RECORD_KINDS: &[&str] = &["contract", "payment"];

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

/// An approval as its record's page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalView {
    pub approval: StoredApproval,
    /// The plan's steps as people read them: a rejected or withdrawn
    /// approval's later steps are `not_reached`, never waiting.
    pub steps: Vec<StepReading>,
    pub flow_name: Option<String>,
    pub history: Vec<ActionRow>,
    /// Who must act now, by name.
    pub waiting_for: Vec<(i64, String)>,
    /// Those of `waiting_for` who were disabled since: they act no more,
    /// and an approval manager hands their seats over.
    pub waiting_disabled: Vec<i64>,
    /// The names of everyone on the plan and in the history.
    pub people: Vec<(i64, String)>,
    /// Whether the caller may approve, reject or hand over now.
    pub can_decide: bool,
    pub can_withdraw: bool,
    /// Whether the caller may hand over the seat of anyone the approval
    /// waits for (`approval.manage`, while it is in progress).
    pub can_reassign: bool,
}

/// A step of an approval's plan as its panel shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepReading {
    pub name: String,
    /// `any_one` or `everyone`.
    pub mode: String,
    /// `passed`, `skipped`, `current` (being decided), `waiting` (later in
    /// an approval in progress), `ended` (where a rejection or withdrawal
    /// stopped it) or `not_reached` (after that).
    pub state: String,
    pub seats: Vec<SeatReading>,
}

/// An approver's seat on a step as its panel shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeatReading {
    pub user_id: i64,
    /// `approved`, `rejected`, `handed_over`, `vacated`; undecided:
    /// `pending` (must decide now), `upcoming` (a later step of an
    /// approval in progress), `not_reached` (a step the approval ended
    /// before) or `not_needed` (a step that passed or ended without it).
    pub state: String,
}

impl StepReading {
    /// Every step of an approval's plan, read.
    pub fn of(state: &Approval) -> Vec<StepReading> {
        state
            .plan
            .iter()
            .enumerate()
            .map(|(index, step)| StepReading {
                name: step.name.clone(),
                mode: step.mode.as_str().into(),
                state: state.step_state(index).into(),
                seats: step
                    .approvers
                    .iter()
                    .map(|seat| SeatReading {
                        user_id: seat.user,
                        state: state.seat_state(index, seat).into(),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The approval figures of a kind. `total` and the statuses count the
/// approvals (one per record) that went through a flow by where they
/// stand now; the others count
/// from the history, every submission and decision, also those a
/// resubmission later undid — as the approvals report does.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindStats {
    pub kind: String,
    pub total: i64,
    pub approved: i64,
    pub rejected: i64,
    pub in_progress: i64,
    pub withdrawn: i64,
    /// Times records were submitted: first submissions and resubmissions.
    pub submissions: i64,
    /// Submissions that ended approved.
    pub approved_submissions: i64,
    /// Reject decisions ever taken (each ends its submission).
    pub rejected_decisions: i64,
    /// Approve decisions ever taken, one per approver and step.
    pub approved_decisions: i64,
    /// Submissions that ended approved out of those that ended approved or
    /// rejected, in tenths of a percent rounded half up (667 is 66.7%), as
    /// the reports' rates; withdrawn ones and
    /// those in progress left out.
    pub pass_rate: Option<i64>,
    /// The average time of a step, from its start until it passed or was
    /// rejected, in seconds.
    pub average_step_seconds: Option<i64>,
    /// Records approved on submit because their kind had no active flow:
    /// decided by nobody, so counted here only, in none of the figures
    /// above (`total` and the statuses included).
    pub approved_without_flow: i64,
}

fn manage() -> Permission {
    Permission::new(Kind::Approval, Action::Manage)
}

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
    /// Puts a record into its kind's flow (or back into it after a
    /// rejection or a withdrawal). With no active flow it is approved at
    /// once. Answers the approval's status.
    pub(crate) async fn start_approval(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, record_id, title): (&str, i64, &str),
        facts: &Facts,
        chosen: &Chosen,
    ) -> Result<Status> {
        let now = self.now();
        let facts_text =
            serde_json::to_string(facts).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let directory = approvals::directory(tx).await?;
        check_chosen(chosen, &directory)?;
        let mut errors = FieldErrors::new();
        for (step, users) in chosen {
            // The submitter and the disabled are the engine's to refuse,
            // with their own messages.
            let others = users
                .iter()
                .filter(|u| **u != caller.user.id && !directory.inactive.contains(u));
            for user in others {
                if !may_be_given_seat(tx, kind, *user).await? {
                    errors.add(format!("approvers.{step}"), "approver_cannot_approve");
                }
            }
        }
        errors.into_result()?;
        let mut flow = approvals::active_flow(tx, kind).await?;
        if let Some(flow) = flow.as_mut() {
            let own = facts::kind_fields(tx, kind).await?;
            facts::type_conditions(&mut flow.definition, &own);
        }
        let previous = approvals::of_record(tx, kind, record_id).await?;
        let user = caller.user.id;
        let resumable = previous.filter(|p| {
            p.flow_id.is_some()
                && p.flow_id == flow.as_ref().map(|f| f.id)
                && matches!(p.state.status, Status::Rejected | Status::Withdrawn)
        });
        let (id, state, events, before) = match (flow, resumable) {
            (Some(flow), Some(previous)) => {
                // The flow says where a resubmission starts; one that resumes
                // from the rejected step does so while the edit leaves the
                // steps up to it as they were (the engine checks), and
                // otherwise starts over and records so.
                let definition = flow.definition.clone();
                let mut state = previous.state.clone();
                let events = match state.resubmit(&definition, facts, user, chosen, &directory) {
                    Ok(events) => events,
                    Err(e) => {
                        return Err(refused_submit(tx, e, &definition, user, &directory).await?);
                    }
                };
                approvals::set_facts(tx, previous.id, &facts_text).await?;
                if !approvals::save(tx, previous.id, &previous.state, &state, now).await? {
                    return Err(ServiceError::Refused {
                        code: "approval_changed",
                    });
                }
                (previous.id, state, events, Some(previous.state))
            }
            (flow, _) => {
                let (state, events) = match &flow {
                    Some(flow) => {
                        let def = &flow.definition;
                        match Approval::submit(def, facts, user, chosen, &directory) {
                            Ok(submitted) => submitted,
                            Err(e) => {
                                return Err(refused_submit(tx, e, def, user, &directory).await?);
                            }
                        }
                    }
                    None => (
                        Approval {
                            plan: Vec::new(),
                            current: 0,
                            status: Status::Approved,
                            submitter: user,
                            rejected_step: None,
                        },
                        vec![Event::Submitted, Event::Approved],
                    ),
                };
                let new = NewApproval {
                    facts: &facts_text,
                    flow_id: flow.as_ref().map(|f| f.id),
                    kind,
                    record_id,
                    title,
                    submitter_id: user,
                };
                let id = approvals::insert(tx, &new, &state, now).await?;
                (id, state, events, None)
            }
        };
        self.record_events(tx, id, Some(user), &events, None)
            .await?;
        let moved = ApprovalMove {
            approval_id: id,
            kind,
            record_id,
            title,
            actor: user,
        };
        self.notify_approval(tx, &moved, (before.as_ref(), &state))
            .await?;
        tracing::info!(
            approval.id = id,
            kind,
            record.id = record_id,
            status = state.status.as_str(),
            actor.id = user,
            "submitted for approval"
        );
        Ok(state.status)
    }

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
        if !approvals::save(&mut tx, id, &stored.state, &state, now).await? {
            return Err(ServiceError::Refused {
                code: "approval_changed",
            });
        }
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
        let moved = ApprovalMove {
            approval_id: id,
            kind: &stored.kind,
            record_id: stored.record_id,
            title: &stored.title,
            actor: user,
        };
        self.notify_approval(&mut tx, &moved, (Some(&stored.state), &state))
            .await?;
        if state.status != Status::InProgress {
            self.approval_ended(&mut tx, caller, &stored, state.status)
                .await?;
        }
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

    async fn record_events(
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
            if !approvals::save(tx, stored.id, &stored.state, &state, self.now()).await? {
                return Err(ServiceError::Refused {
                    code: "approval_changed",
                });
            }
            self.record_events(tx, stored.id, None, &events, None)
                .await?;
            let moved = ApprovalMove {
                approval_id: stored.id,
                kind: &stored.kind,
                record_id: stored.record_id,
                title: &stored.title,
                actor: caller.user.id,
            };
            self.notify_approval(tx, &moved, (Some(&stored.state), &state))
                .await?;
            if state.status != Status::InProgress {
                self.approval_ended(tx, caller, &stored, state.status)
                    .await?;
            }
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

/// Approvers the submitter chose must be users of the company: an unknown
/// id is a field error naming the step (`approvers.<step>`). Whether they
/// are active and other than the submitter is the engine's to say.
fn check_chosen(chosen: &Chosen, directory: &kuijing_domain::approval::MapDirectory) -> Result<()> {
    let mut errors = FieldErrors::new();
    for (step, users) in chosen {
        if users
            .iter()
            .any(|user| !directory.departments.contains_key(user))
        {
            errors.add(format!("approvers.{step}"), "user_unknown");
        }
    }
    errors.into_result()?;
    Ok(())
}
