//! Planning: the steps that apply and the approvers found for each.

use super::*;

/// The superiors of a user, nearest first, at most `levels` of them,
/// stopping at the top or at a loop in the data.
fn superiors(dir: &dyn Directory, user: i64, levels: u8) -> Vec<i64> {
    let mut chain = Vec::new();
    let mut current = user;
    while chain.len() < usize::from(levels) {
        match dir.superior(current) {
            Some(next) if next != user && !chain.contains(&next) => {
                chain.push(next);
                current = next;
            }
            _ => break,
        }
    }
    chain
}

/// A superior level (for `SuperiorsUpTo`) and the users it names.
type Group = (Option<u8>, Vec<i64>);

/// The approvers a step names, before filtering: one group for most rules,
/// one per level for `SuperiorsUpTo` (a single empty group at the top).
fn candidates(
    index: usize,
    rule: &ApproverRule,
    submitter: i64,
    chosen: &Chosen,
    dir: &dyn Directory,
) -> Result<Vec<Group>, ApprovalError> {
    let group = match rule {
        ApproverRule::Users(users) => users.clone(),
        ApproverRule::Superior { levels } => {
            let chain = superiors(dir, submitter, *levels);
            if chain.len() == usize::from(*levels) {
                chain.last().copied().into_iter().collect()
            } else {
                Vec::new()
            }
        }
        ApproverRule::SuperiorsUpTo { levels } => {
            let chain = superiors(dir, submitter, *levels);
            if chain.is_empty() {
                return Ok(vec![(Some(1), Vec::new())]);
            }
            return Ok((1..).zip(chain).map(|(l, u)| (Some(l), vec![u])).collect());
        }
        ApproverRule::Role(role) => dir.role_members(*role),
        ApproverRule::DepartmentHead => match dir.department_head(submitter) {
            Some(head) if head == submitter => {
                dir.parent_department_head(submitter).into_iter().collect()
            }
            head => head.into_iter().collect(),
        },
        ApproverRule::ChosenBySubmitter => match chosen.get(&index) {
            Some(users) if users.contains(&submitter) => {
                return Err(ApprovalError::ChosenSelf { step: index });
            }
            Some(users) if users.iter().any(|user| !dir.is_active(*user)) => {
                return Err(ApprovalError::ChosenInactive { step: index });
            }
            Some(users) if !users.is_empty() => users.clone(),
            _ => return Err(ApprovalError::ChosenMissing { step: index }),
        },
    };
    Ok(vec![(None, group)])
}

/// Active users other than the submitter, once each, in the given order; or
/// why there are none.
fn usable(users: Vec<i64>, submitter: i64, dir: &dyn Directory) -> Result<Vec<i64>, SkipReason> {
    let mut kept = Vec::new();
    let mut saw_submitter = false;
    for user in users {
        if user == submitter {
            saw_submitter = true;
        } else if dir.is_active(user) && !kept.contains(&user) {
            kept.push(user);
        }
    }
    match (kept.is_empty(), saw_submitter) {
        (false, _) => Ok(kept),
        (true, true) => Err(SkipReason::OnlySubmitter),
        (true, false) => Err(SkipReason::NoApprover),
    }
}

/// The steps that apply to the facts, with their approvers.
pub(super) fn plan(
    def: &FlowDef,
    facts: &Facts,
    submitter: i64,
    chosen: &Chosen,
    dir: &dyn Directory,
) -> Result<Vec<PlannedStep>, ApprovalError> {
    def.check().map_err(ApprovalError::InvalidFlow)?;
    let mut plan = Vec::new();
    for (index, step) in def.steps.iter().enumerate() {
        if !step.applies(facts) {
            continue;
        }
        for (level, users) in candidates(index, &step.approvers, submitter, chosen, dir)? {
            let (users, skipped) = match usable(users, submitter, dir) {
                Ok(users) => (users, None),
                Err(reason) => match def.when_no_approver {
                    NoApprover::Skip => (Vec::new(), Some(reason)),
                    NoApprover::Fallback(user) if user != submitter && dir.is_active(user) => {
                        (vec![user], None)
                    }
                    _ => return Err(ApprovalError::NoApprover { step: index }),
                },
            };
            plan.push(PlannedStep {
                step: index,
                level,
                name: step.name.clone(),
                mode: step.mode,
                approvers: users
                    .into_iter()
                    .map(|user| Seat {
                        user,
                        decision: None,
                    })
                    .collect(),
                skipped,
            });
        }
    }
    Ok(plan)
}
