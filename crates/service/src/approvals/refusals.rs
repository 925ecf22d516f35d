//! How the approval engine's refusals are told: naming the step, the
//! person and what an administrator must set up.

use kuijing_domain::FieldError;
use kuijing_domain::approval::{ApprovalError, FlowDef};
use kuijing_store::Tx;

use crate::error::{Result, ServiceError};

/// The disabled user a step's rule names (the submitter's superior that
/// many levels up, or their department's head), when that is why a step
/// found no approver: `(id, name)`.
pub(super) async fn disabled_approver(
    tx: &mut Tx,
    error: &ApprovalError,
    def: &FlowDef,
    submitter: i64,
    dir: &kuijing_domain::approval::MapDirectory,
) -> Result<Option<(i64, String)>> {
    use kuijing_domain::approval::{ApproverRule, Directory};
    let ApprovalError::NoApprover { step } = error else {
        return Ok(None);
    };
    let Some(found) = def.steps.get(*step) else {
        return Ok(None);
    };
    let named: Vec<i64> = match found.approvers {
        ApproverRule::Superior { levels } | ApproverRule::SuperiorsUpTo { levels } => {
            let mut chain = Vec::new();
            let mut current = submitter;
            while chain.len() < usize::from(levels) {
                match dir.superior(current) {
                    Some(next) if next != submitter && !chain.contains(&next) => {
                        chain.push(next);
                        current = next;
                    }
                    _ => break,
                }
            }
            chain
        }
        ApproverRule::DepartmentHead => match dir.department_head(submitter) {
            Some(head) if head == submitter => {
                dir.parent_department_head(submitter).into_iter().collect()
            }
            head => head.into_iter().collect(),
        },
        _ => Vec::new(),
    };
    let Some(disabled) = named.into_iter().find(|user| !dir.is_active(*user)) else {
        return Ok(None);
    };
    let names = kuijing_store::users::names(tx, &[disabled]).await?;
    Ok(names.into_iter().next())
}

/// As [`engine_error`], for the errors of a submit, which name a step of
/// `def`: the message names the step by its place and name, and for a step
/// that found no approver, what an administrator must set up for its rule
/// (`errors.params.fix.<rule>`).
pub(super) fn submit_error(
    error: ApprovalError,
    def: &FlowDef,
    disabled: Option<(i64, String)>,
) -> ServiceError {
    let step = match &error {
        ApprovalError::NoApprover { step }
        | ApprovalError::ChosenMissing { step }
        | ApprovalError::ChosenSelf { step }
        | ApprovalError::ChosenInactive { step } => *step,
        _ => return engine_error(error),
    };
    let Some(found) = def.steps.get(step) else {
        return engine_error(error);
    };
    let mut problem = match engine_error(error.clone()) {
        ServiceError::Invalid(mut errors) if errors.0.len() == 1 => errors.0.remove(0),
        other => return other,
    };
    problem = problem
        .with("step", step + 1)
        .with("step_name", &found.name);
    if let ApprovalError::NoApprover { .. } = error {
        use kuijing_domain::approval::ApproverRule;
        let fix = match (&found.approvers, disabled.is_some()) {
            (ApproverRule::Users(_), _) => "users",
            (ApproverRule::Superior { .. } | ApproverRule::SuperiorsUpTo { .. }, true) => {
                "superior_disabled"
            }
            (ApproverRule::Superior { .. } | ApproverRule::SuperiorsUpTo { .. }, false) => {
                "superior"
            }
            (ApproverRule::Role(_), _) => "role",
            (ApproverRule::DepartmentHead, true) => "department_head_disabled",
            (ApproverRule::DepartmentHead, false) => "department_head",
            (ApproverRule::ChosenBySubmitter, _) => "chosen",
        };
        problem = problem.with("fix", fix);
        if let Some((id, name)) = disabled {
            problem = problem.with("person", format!("{name} (#{id})"));
        }
    }
    ServiceError::Invalid(problem.into())
}

/// Why a submit was refused, told as [`submit_error`] tells it; a step
/// with no approver in a flow whose fallback person is the submitter (or
/// no longer active) says so, since choosing what the flow does is done.
pub(super) async fn refused_submit(
    tx: &mut Tx,
    error: ApprovalError,
    def: &FlowDef,
    submitter: i64,
    dir: &kuijing_domain::approval::MapDirectory,
) -> Result<ServiceError> {
    use kuijing_domain::approval::{Directory, NoApprover};
    let disabled = disabled_approver(tx, &error, def, submitter, dir).await?;
    let fallback = match (&error, def.when_no_approver) {
        (ApprovalError::NoApprover { .. }, NoApprover::Fallback(user)) if user == submitter => {
            Some((user, "fallback_is_submitter"))
        }
        (ApprovalError::NoApprover { .. }, NoApprover::Fallback(user)) if !dir.is_active(user) => {
            Some((user, "fallback_disabled"))
        }
        _ => None,
    };
    let refused = submit_error(error, def, disabled);
    let Some((user, fix)) = fallback else {
        return Ok(refused);
    };
    let ServiceError::Invalid(mut errors) = refused else {
        return Ok(refused);
    };
    let person = kuijing_store::users::names(tx, &[user])
        .await?
        .into_iter()
        .next()
        .map_or_else(
            || format!("#{user}"),
            |(id, name)| format!("{name} (#{id})"),
        );
    for problem in &mut errors.0 {
        problem
            .params
            .retain(|(name, _)| !matches!(*name, "fix" | "person"));
        problem.params.push(("fix", fix.to_string()));
        problem.params.push(("person", person.clone()));
    }
    Ok(ServiceError::Invalid(errors))
}

/// An error of the engine as the service answers it: a field error where
/// the input can be put right, a refusal otherwise.
pub(super) fn engine_error(error: ApprovalError) -> ServiceError {
    let field = match error {
        ApprovalError::HandOverToSelf
        | ApprovalError::HandOverToSubmitter
        | ApprovalError::AlreadyASeat => "to",
        ApprovalError::ChosenMissing { step }
        | ApprovalError::ChosenSelf { step }
        | ApprovalError::ChosenInactive { step } => {
            return ServiceError::Invalid(
                FieldError::new(format!("approvers.{step}"), error.code()).into(),
            );
        }
        ApprovalError::InvalidFlow(_) | ApprovalError::NoApprover { .. } => "flow",
        _ => {
            return ServiceError::Refused { code: error.code() };
        }
    };
    ServiceError::Invalid(FieldError::new(field, error.code()).into())
}
