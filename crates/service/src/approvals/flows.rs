//! Approval flows as administrators define them: the list, saving one
//! (a kind has one active flow at a time), and the checks of a definition
//! (its names, and the users, roles and facts it refers to).

use super::facts;
use super::*;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowInput {
    /// `contract`, `payment`, or a custom kind such as `refund`.
    pub kind: String,
    pub name: String,
    #[serde(default = "yes")]
    pub active: bool,
    pub definition: FlowDef,
    pub version: Option<i64>,
}

/// A flow as saved, with the flows of its kind that saving it switched
/// off: one flow of a kind is active at a time (a flow's steps carry
/// conditions for the cases it must tell apart).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedFlow {
    #[serde(flatten)]
    pub flow: Flow,
    /// The flows of the same kind that were active and are not any more.
    pub switched_off: Vec<FlowName>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowName {
    pub id: i64,
    pub name: String,
}

fn yes() -> bool {
    true
}

impl App {
    pub async fn approval_flows(&self, caller: &Caller) -> Result<Vec<Flow>> {
        caller.require(Permission::new(Kind::Approval, Action::View))?;
        let mut tx = self.db.read().await?;
        Ok(approvals::flows(&mut tx).await?)
    }

    pub async fn create_approval_flow(
        &self,
        caller: &Caller,
        mut input: FlowInput,
    ) -> Result<SavedFlow> {
        caller.require(manage())?;
        let mut tx = self.db.write().await?;
        let own = facts::kind_fields(&mut tx, &input.kind.trim().to_ascii_lowercase()).await?;
        facts::type_conditions(&mut input.definition, &own);
        // Every problem of the definition and its references at once.
        let mut errors = FieldErrors::new();
        let (kind, name) = check_flow(&input, &mut errors);
        check_references(&mut tx, &kind, &input.definition, &mut errors).await?;
        errors.into_result()?;
        let id = approvals::insert_flow(
            &mut tx,
            (&kind, &name, input.active),
            &input.definition,
            self.now(),
        )
        .await?;
        // One flow of a kind is active: switching one on switches the others off.
        let switched_off = switch_others_off(&mut tx, (&kind, id), input.active).await?;
        tx.commit().await?;
        tracing::info!(
            flow.id = id,
            kind,
            actor.id = caller.user.id,
            "approval flow created"
        );
        self.saved_flow(id, switched_off).await
    }

    async fn saved_flow(&self, id: i64, switched_off: Vec<FlowName>) -> Result<SavedFlow> {
        let mut tx = self.db.read().await?;
        let flow = approvals::flow(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(SavedFlow { flow, switched_off })
    }

    pub async fn update_approval_flow(
        &self,
        caller: &Caller,
        id: i64,
        mut input: FlowInput,
    ) -> Result<SavedFlow> {
        caller.require(manage())?;
        let mut tx = self.db.write().await?;
        let own = facts::kind_fields(&mut tx, &input.kind.trim().to_ascii_lowercase()).await?;
        facts::type_conditions(&mut input.definition, &own);
        let mut errors = FieldErrors::new();
        let (kind, name) = check_flow(&input, &mut errors);
        let current = approvals::flow(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.kind != kind {
            return Err(ServiceError::Invalid(
                FieldError::new("kind", "fixed").into(),
            ));
        }
        check_references(&mut tx, &kind, &input.definition, &mut errors).await?;
        errors.into_result()?;
        crate::stale_check(input.version, current.version, &current)?;
        if !approvals::update_flow(
            &mut tx,
            (id, current.version),
            (&name, input.active),
            &input.definition,
            self.now(),
        )
        .await?
        {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let switched_off = switch_others_off(&mut tx, (&kind, id), input.active).await?;
        tx.commit().await?;
        self.saved_flow(id, switched_off).await
    }
}

/// The name of the work migration 0046 leaves: conditions on money saved
/// before they carried a currency get the company currency.
const CONDITION_CURRENCY: &str = "flow_condition_currency";

impl App {
    /// Gives every condition on money saved without a currency the company
    /// currency (what it meant when it was saved), once, when the migration
    /// asks it; the flows keep their versions.
    pub(crate) async fn state_condition_currencies(&self) -> Result<()> {
        use kuijing_store::company_settings;
        let mut tx = self.db.write().await?;
        if !company_settings::upgrade_pending(&mut tx, CONDITION_CURRENCY).await? {
            return Ok(());
        }
        let currency = self.currency();
        let mut changed = 0;
        for mut flow in approvals::flows(&mut tx).await? {
            let own = facts::kind_fields(&mut tx, &flow.kind).await?;
            let mut stated = false;
            for comparison in flow
                .definition
                .steps
                .iter_mut()
                .flat_map(|s| s.condition.iter_mut())
            {
                let field = own
                    .iter()
                    .find(|d| d.key == comparison.field)
                    .filter(|_| !facts::FACTS.contains(&comparison.field.as_str()));
                if comparison.currency.is_none() && facts::is_money(&comparison.field, field) {
                    comparison.currency = Some(currency.clone());
                    stated = true;
                }
            }
            if stated {
                approvals::set_definition(&mut tx, flow.id, &flow.definition).await?;
                changed += 1;
            }
        }
        company_settings::upgrade_done(&mut tx, CONDITION_CURRENCY).await?;
        tx.commit().await?;
        tracing::info!(
            flows = changed,
            currency,
            "amount conditions given the company currency"
        );
        Ok(())
    }
}

/// Switches off the other flows of a kind when `active`, and names them.
async fn switch_others_off(
    tx: &mut Tx,
    (kind, keep): (&str, i64),
    active: bool,
) -> Result<Vec<FlowName>> {
    if !active {
        return Ok(Vec::new());
    }
    let switched = approvals::deactivate_others(tx, kind, keep).await?;
    Ok(switched
        .into_iter()
        .map(|(id, name)| FlowName { id, name })
        .collect())
}

/// Checks what a flow names exists: users (active), roles, facts (the
/// common ones and the kind's own fields, compared with values of their
/// type; see [`facts::check_conditions`]), and a fallback person who may
/// approve the kind (`when_no_approver`).
async fn check_references(
    tx: &mut Tx,
    kind: &str,
    def: &FlowDef,
    errors: &mut FieldErrors,
) -> Result<()> {
    let own = facts::kind_fields(tx, kind).await?;
    use kuijing_domain::approval::{ApproverRule, NoApprover};
    let directory = approvals::directory(tx).await?;
    let active = |user: i64| {
        directory.departments.contains_key(&user) && !directory.inactive.contains(&user)
    };
    let roles: Vec<i64> = kuijing_store::roles::list(tx, None)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    for (index, step) in def.steps.iter().enumerate() {
        let field = format!("definition.steps.{index}");
        match &step.approvers {
            ApproverRule::Users(users) if users.iter().any(|u| !active(*u)) => {
                errors.add(field.clone(), "user_unknown");
            }
            ApproverRule::Role(role) if !roles.contains(role) => {
                errors.add(field.clone(), "role_unknown");
            }
            _ => {}
        }
    }
    facts::check_conditions(def, &own, errors);
    if let NoApprover::Fallback(user) = def.when_no_approver {
        // The person a step with no approver goes to must be able to
        // decide it: a user, active, holding the kind's approve permission.
        let named = kuijing_store::users::names(tx, &[user]).await?;
        let person = named.first().map(|(id, name)| format!("{name} (#{id})"));
        let may_approve = person.is_some() && may_be_given_seat(tx, kind, user).await?;
        let problem = match person {
            None => Some(FieldError::new(
                "definition.when_no_approver",
                "user_unknown",
            )),
            Some(person) if !active(user) => Some(
                FieldError::new("definition.when_no_approver", "fallback_disabled")
                    .with("person", person),
            ),
            Some(person) if !may_approve => Some(
                FieldError::new("definition.when_no_approver", "fallback_cannot_approve")
                    .with("person", person),
            ),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            errors.push(problem);
        }
    }
    Ok(())
}

/// The flow's kind and name, its definition's problems added to `errors`.
fn check_flow(input: &FlowInput, errors: &mut FieldErrors) -> (String, String) {
    let name = errors
        .take("name", text::parse_name(&input.name, 50))
        .unwrap_or_default();
    let kind = input.kind.trim().to_ascii_lowercase();
    let well_formed =
        (2..=30).contains(&kind.len()) && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if !well_formed {
        errors.add("kind", "invalid_kind");
    }
    if let Err(problems) = input.definition.check() {
        for problem in problems {
            match problem.step {
                Some(step) => errors.add(format!("definition.steps.{step}"), problem.code),
                None => errors.add("definition", problem.code),
            }
        }
    }
    (kind, name)
}
