//! Putting a record into its kind's flow: a first submission, or a
//! resubmission after a rejection or a withdrawal.

use super::*;

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
        let mut flow = approvals::active_flow(tx, kind).await?;
        if let Some(flow) = flow.as_mut() {
            let own = facts::kind_fields(tx, kind).await?;
            facts::type_conditions(&mut flow.definition, &own);
        }
        let previous = approvals::of_record(tx, kind, record_id).await?;
        let resumable = previous.filter(|p| {
            p.flow_id.is_some()
                && p.flow_id == flow.as_ref().map(|f| f.id)
                && matches!(p.state.status, Status::Rejected | Status::Withdrawn)
        });
        // Picks for the steps a resubmission keeps are not asked for and
        // are ignored: the approvers chosen then stand.
        let mut chosen = chosen.clone();
        if let (Some(flow), Some(previous)) = (&flow, &resumable) {
            for step in previous
                .state
                .choices_kept(&flow.definition, &directory)
                .keys()
            {
                chosen.remove(step);
            }
        }
        let chosen = &chosen;
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
        let user = caller.user.id;
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
                save_state(tx, previous.id, (&previous.state, &state), now).await?;
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
