//! The actions on an approval: submit, approve, reject, hand over, withdraw.

use super::planning::plan;
use super::*;
impl Approval {
    /// Plans the approval and starts its first step. A plan whose steps all
    /// fall away (conditions) or pass by themselves is approved at once.
    pub fn submit(
        def: &FlowDef,
        facts: &Facts,
        submitter: i64,
        chosen: &Chosen,
        dir: &dyn Directory,
    ) -> Result<(Approval, Vec<Event>), ApprovalError> {
        let mut approval = Approval {
            plan: plan(def, facts, submitter, chosen, dir)?,
            current: 0,
            status: Status::InProgress,
            submitter,
            rejected_step: None,
        };
        let mut events = vec![Event::Submitted];
        approval.enter(0, &mut events);
        Ok((approval, events))
    }

    /// The step being decided, while in progress.
    pub fn current_step(&self) -> Option<&PlannedStep> {
        match self.status {
            Status::InProgress => self.plan.get(self.current),
            _ => None,
        }
    }

    /// The users who must act now.
    pub fn waiting_for(&self) -> Vec<i64> {
        self.current_step()
            .map(|step| {
                step.approvers
                    .iter()
                    .filter(|seat| seat.decision.is_none())
                    .map(|seat| seat.user)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn approve(&mut self, user: i64) -> Result<Vec<Event>, ApprovalError> {
        self.decide(user, Decision::Approved)?;
        let mut events = Vec::new();
        if self.plan.get(self.current).is_some_and(PlannedStep::passed) {
            events.push(Event::StepPassed { step: self.current });
            self.enter(self.current + 1, &mut events);
        }
        Ok(events)
    }

    /// Rejects the whole approval, back to the submitter.
    pub fn reject(&mut self, user: i64) -> Result<Vec<Event>, ApprovalError> {
        self.decide(user, Decision::Rejected)?;
        self.status = Status::Rejected;
        self.rejected_step = Some(self.current);
        Ok(vec![Event::Rejected {
            step: self.current,
            by: user,
        }])
    }

    /// Passes `from`'s seat to `to`, who gets a seat of their own on the
    /// step. `from` hands over their own seat, or an approval manager hands
    /// over a seat that waits for someone who cannot act (a disabled user);
    /// who may do so, and whether `to` is an active user, is for the caller
    /// to check.
    pub fn hand_over(&mut self, from: i64, to: i64) -> Result<Vec<Event>, ApprovalError> {
        let seat = self.open_seat(from)?;
        if from == to {
            return Err(ApprovalError::HandOverToSelf);
        }
        if to == self.submitter {
            return Err(ApprovalError::HandOverToSubmitter);
        }
        let Some(step) = self.plan.get_mut(self.current) else {
            return Err(ApprovalError::NotInProgress);
        };
        // A seat `to` handed over earlier is theirs no longer: handing the
        // decision back to them gives them a seat again.
        let holds = |seat: &Seat| {
            seat.user == to && !matches!(seat.decision, Some(Decision::HandedOver { .. }))
        };
        if step.approvers.iter().any(holds) {
            return Err(ApprovalError::AlreadyASeat);
        }
        if let Some(seat) = step.approvers.get_mut(seat) {
            seat.decision = Some(Decision::HandedOver { to });
        }
        step.approvers.push(Seat {
            user: to,
            decision: None,
        });
        Ok(vec![Event::HandedOver {
            step: self.current,
            from,
            to,
        }])
    }

    /// Gives up the undecided seats of a user who was disabled, on the
    /// current step and the steps still to come, by the flow's rule for no
    /// approver: an active fallback user (not the submitter) takes each
    /// seat over, [`NoApprover::Skip`] vacates it; with
    /// [`NoApprover::Refuse`] (or a fallback who cannot act) nothing
    /// changes and the seats wait for an approval manager to hand them
    /// over. When the current step has nobody left to wait for, it passes.
    pub fn vacate(
        &mut self,
        user: i64,
        rule: NoApprover,
        dir: &dyn Directory,
    ) -> Result<Vec<Event>, ApprovalError> {
        if self.status != Status::InProgress {
            return Err(ApprovalError::NotInProgress);
        }
        let fallback = match rule {
            NoApprover::Fallback(to) if to != user && to != self.submitter && dir.is_active(to) => {
                Some(to)
            }
            NoApprover::Skip => None,
            _ => return Ok(Vec::new()),
        };
        let mut events = Vec::new();
        for (index, step) in self.plan.iter_mut().enumerate().skip(self.current) {
            let Some(seat) = step
                .approvers
                .iter()
                .position(|seat| seat.user == user && seat.decision.is_none())
            else {
                continue;
            };
            match fallback {
                Some(to) if !step.approvers.iter().any(|seat| seat.user == to) => {
                    step.approvers[seat].decision = Some(Decision::HandedOver { to });
                    step.approvers.push(Seat {
                        user: to,
                        decision: None,
                    });
                    events.push(Event::HandedOver {
                        step: index,
                        from: user,
                        to,
                    });
                }
                _ => {
                    step.approvers[seat].decision = Some(Decision::Vacated);
                    events.push(Event::SeatVacated { step: index, user });
                }
            }
        }
        if self.plan.get(self.current).is_some_and(PlannedStep::passed) {
            events.push(Event::StepPassed { step: self.current });
            self.enter(self.current + 1, &mut events);
        }
        Ok(events)
    }

    pub fn withdraw(&mut self, by: i64) -> Result<Vec<Event>, ApprovalError> {
        if by != self.submitter {
            return Err(ApprovalError::NotSubmitter);
        }
        if self.status != Status::InProgress {
            return Err(ApprovalError::NotInProgress);
        }
        self.status = Status::Withdrawn;
        Ok(vec![Event::Withdrawn])
    }

    /// Withdraws the approval while in progress: `by` is the submitter, or
    /// `for_owner` says the caller is the record's owner now (one it was
    /// transferred to while in approval), who may withdraw it too. Whether
    /// the caller may see the record at all is for the caller to check.
    pub fn withdraw_as(&mut self, by: i64, for_owner: bool) -> Result<Vec<Event>, ApprovalError> {
        if for_owner {
            self.withdraw(self.submitter)
        } else {
            self.withdraw(by)
        }
    }

    /// Plans anew with the new facts and starts again (see [`Resubmit`]).
    /// A flow that resumes from the rejected step does so when the new plan
    /// has the same steps, with the same approvers, up to and including the
    /// rejected one (an edit such as a new amount that leaves them as they
    /// were); the decisions before it stand. When the edit changed which
    /// steps apply or who decides them, it starts from the first step and
    /// says so ([`Event::StartedOver`]). On an error the approval is left
    /// as it was.
    ///
    /// `by` becomes the submitter: whoever may submit the record now (its
    /// owner after a transfer, say) may submit it again; the caller checks
    /// that. Steps a resumed approval does not ask again keep the approvers
    /// the submitter chose for them then: a pick for such a step is not
    /// asked for, and a different one is no change (it counts only when the
    /// approval starts over).
    pub fn resubmit(
        &mut self,
        def: &FlowDef,
        facts: &Facts,
        by: i64,
        chosen: &Chosen,
        dir: &dyn Directory,
    ) -> Result<Vec<Event>, ApprovalError> {
        if !matches!(self.status, Status::Rejected | Status::Withdrawn) {
            return Err(ApprovalError::NotResubmittable);
        }
        let mut events = vec![Event::Resubmitted];
        let resumed = match (def.resubmit, self.rejected_step) {
            (Resubmit::FromRejectedStep, Some(rejected)) => {
                let kept = self.kept_choices(def, chosen, dir);
                match plan(def, facts, by, &kept, dir) {
                    Ok(mut plan) if self.same_before(&plan, rejected + 1) => {
                        for (new, old) in plan.iter_mut().zip(&self.plan).take(rejected) {
                            *new = old.clone();
                        }
                        Some((plan, rejected))
                    }
                    _ => {
                        events.push(Event::StartedOver);
                        None
                    }
                }
            }
            _ => None,
        };
        let (plan, start) = match resumed {
            Some(found) => found,
            // Starting over, the picks kept for the steps passed still
            // stand: they were not asked for again.
            None => (
                plan(def, facts, by, &self.kept_choices(def, chosen, dir), dir)?,
                0,
            ),
        };
        self.submitter = by;
        self.plan = plan;
        self.status = Status::InProgress;
        self.rejected_step = None;
        self.enter(start, &mut events);
        Ok(events)
    }

    /// The submitter's picks with those of the steps a resubmission keeps
    /// (see [`Approval::choices_kept`]) replaced by the approvers chosen
    /// for them then.
    fn kept_choices(&self, def: &FlowDef, chosen: &Chosen, dir: &dyn Directory) -> Chosen {
        let mut kept = chosen.clone();
        for (step, users) in self.choices_kept(def, dir) {
            kept.insert(step, users);
        }
        kept
    }

    /// The steps (positions in the flow) whose approvers the submitter
    /// chose and a resubmission now keeps, with those approvers: the steps
    /// passed before the rejected one, when the flow resumes from the
    /// rejected step, each of whose approvers is still active. The
    /// submitter is not asked for them again, and picks sent for them are
    /// ignored. Empty when a resubmission starts from the start.
    pub fn choices_kept(&self, def: &FlowDef, dir: &dyn Directory) -> Chosen {
        let mut kept = Chosen::new();
        let Some(rejected) = self.rejected_step else {
            return kept;
        };
        if def.resubmit != Resubmit::FromRejectedStep
            || !matches!(self.status, Status::Rejected | Status::Withdrawn)
        {
            return kept;
        }
        for old in self.plan.iter().take(rejected) {
            let chosen_step = def
                .steps
                .get(old.step)
                .is_some_and(|s| matches!(s.approvers, ApproverRule::ChosenBySubmitter));
            let users = old.planned_users();
            if chosen_step
                && old.skipped.is_none()
                && !users.is_empty()
                && users.iter().all(|user| dir.is_active(*user))
            {
                kept.insert(old.step, users);
            }
        }
        kept
    }

    /// Whether `plan` has the same steps as ours before `step` (the same
    /// flow steps and levels, skipped alike, with the same approvers).
    fn same_before(&self, plan: &[PlannedStep], step: usize) -> bool {
        match (self.plan.get(..step), plan.get(..step)) {
            (Some(old), Some(new)) => old.iter().zip(new).all(|(a, b)| a.same_as(b)),
            _ => false,
        }
    }

    /// The position of the user's undecided seat on the current step.
    fn open_seat(&self, user: i64) -> Result<usize, ApprovalError> {
        let Some(step) = self.current_step() else {
            return Err(ApprovalError::NotInProgress);
        };
        // A seat handed back to its former holder is a new one, after the
        // one they handed over.
        let open = step
            .approvers
            .iter()
            .position(|seat| seat.user == user && seat.decision.is_none());
        let Some(seat) = open.or_else(|| step.approvers.iter().position(|seat| seat.user == user))
        else {
            return Err(ApprovalError::NotAnApprover);
        };
        match step.approvers[seat].decision {
            Some(Decision::HandedOver { .. }) => Err(ApprovalError::HandedOver),
            Some(_) => Err(ApprovalError::AlreadyDecided),
            None => Ok(seat),
        }
    }

    fn decide(&mut self, user: i64, decision: Decision) -> Result<(), ApprovalError> {
        let seat = self.open_seat(user)?;
        if let Some(seat) = self
            .plan
            .get_mut(self.current)
            .and_then(|step| step.approvers.get_mut(seat))
        {
            seat.decision = Some(decision);
        }
        Ok(())
    }

    /// Moves to `step`, passing the skipped steps, and starts the first step
    /// with approvers; past the last step, the approval is approved.
    fn enter(&mut self, step: usize, events: &mut Vec<Event>) {
        self.current = step;
        while let Some(planned) = self.plan.get(self.current) {
            let reason = planned
                .skipped
                .or_else(|| planned.emptied().then_some(SkipReason::NoApprover));
            if let Some(reason) = reason {
                events.push(Event::StepSkipped {
                    step: self.current,
                    reason,
                });
                self.current += 1;
                continue;
            }
            events.push(Event::StepStarted {
                step: self.current,
                approvers: planned.approvers.iter().map(|seat| seat.user).collect(),
            });
            return;
        }
        self.status = Status::Approved;
        events.push(Event::Approved);
    }
}
