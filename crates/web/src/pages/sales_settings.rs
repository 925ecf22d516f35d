//! Settings of the sales modules: pipelines with their stages, and approval
//! flows with their steps.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::approval::{
    ApproverRule, Comparison, FactValue, FlowDef, Mode, NoApprover, Op, Resubmit, StepDef,
};
use kuijing_domain::fields::FieldType;
use kuijing_domain::{Action, Kind, Permission, money};
use kuijing_service::approvals::{Flow, FlowInput};
use kuijing_service::choices::Choice;
use kuijing_service::opportunities::{PipelineInput, PipelineView as Pipeline, StageInput};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::{FormErrors, after_post, answer, done, error_page, optional_number};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "settings_pipelines.html")]
struct PipelinesView {
    shell: Shell,
    pipelines: Vec<Pipeline>,
    departments: Vec<Choice>,
    errors: FormErrors,
    /// The pipeline whose form the errors belong to (0 for the new one).
    failed: i64,
}

impl PipelinesView {
    fn uses(&self, pipeline: &Pipeline, department: &i64) -> bool {
        pipeline.departments.contains(department)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn pipelines_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (errors, failed): (FormErrors, i64),
    done: Option<&str>,
) -> Result<PipelinesView, ServiceError> {
    if !caller.can(Permission::new(Kind::Settings, Action::Manage)) {
        return Err(ServiceError::Forbidden);
    }
    Ok(PipelinesView {
        shell: Shell::new(
            state,
            caller,
            lang,
            "/settings/pipelines",
            "pipelines.title",
        )
        .with_notice(done),
        pipelines: state.app.pipelines(caller).await?,
        departments: state.app.department_choices().await?,
        errors,
        failed,
    })
}

pub async fn show_pipelines(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        pipelines_view(
            &state,
            &caller,
            lang,
            (FormErrors::default(), -1),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct PipelineForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    department: Vec<String>,
    #[serde(default)]
    stage_id: Vec<String>,
    #[serde(default)]
    stage_name: Vec<String>,
    #[serde(default)]
    stage_rate: Vec<String>,
    #[serde(default)]
    version: String,
}

impl PipelineForm {
    /// Rows with a name are the stages, in order; a row left blank drops
    /// its stage.
    fn input(&self) -> PipelineInput {
        let stages = self
            .stage_name
            .iter()
            .enumerate()
            .filter(|(_, name)| !name.trim().is_empty())
            .map(|(index, name)| StageInput {
                id: self.stage_id.get(index).and_then(|id| optional_number(id)),
                name: name.clone(),
                win_rate: self
                    .stage_rate
                    .get(index)
                    .and_then(|rate| optional_number(rate))
                    .unwrap_or(-1),
            })
            .collect();
        PipelineInput {
            name: self.name.clone(),
            active: !self.active.is_empty(),
            departments: self
                .department
                .iter()
                .filter_map(|d| optional_number(d))
                .collect(),
            stages,
            version: optional_number(&self.version),
        }
    }
}

pub async fn create_pipeline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PipelineForm>,
) -> Response {
    let result = state.app.create_pipeline(&caller, form.input()).await;
    after_post(
        result,
        |_| done("/settings/pipelines", "created"),
        async |errors| pipelines_view(&state, &caller, lang, (errors, 0), None).await,
        &caller,
        lang,
    )
    .await
}

pub async fn update_pipeline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<PipelineForm>,
) -> Response {
    let result = state.app.update_pipeline(&caller, id, form.input()).await;
    after_post(
        result,
        |_| done("/settings/pipelines", "saved"),
        async |errors| pipelines_view(&state, &caller, lang, (errors, id), None).await,
        &caller,
        lang,
    )
    .await
}

/// How many step rows the flow form offers.
const STEP_ROWS: usize = 5;

/// One step row of the flow form, as shown.
#[derive(Default)]
pub struct StepRow {
    pub name: String,
    pub rule: String,
    /// The named people of a "users" step, by id.
    pub users: Vec<String>,
    pub levels: String,
    pub role: String,
    pub mode: String,
    pub above: String,
    pub below: String,
    pub department: String,
    pub field: String,
    pub value: String,
}

/// A field a flow's condition may name: the kind it belongs to, its key,
/// its label and its type.
pub struct FlowField {
    pub kind: String,
    /// A request kind's name; empty for contracts, named by the locale.
    pub kind_name: String,
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
}

/// The custom fields of contracts and the form fields of request kinds.
async fn flow_fields(state: &AppState, caller: &Caller) -> Result<Vec<FlowField>, ServiceError> {
    let mut fields: Vec<FlowField> = state
        .app
        .custom_fields(Kind::Contract)
        .await?
        .into_iter()
        .map(|d| FlowField {
            kind: Kind::Contract.as_str().into(),
            kind_name: String::new(),
            key: d.key,
            label: d.label,
            field_type: d.field_type,
        })
        .collect();
    for kind in state.app.request_kinds(caller).await? {
        fields.extend(kind.fields.into_iter().map(|f| FlowField {
            kind: kind.kind.clone(),
            kind_name: kind.name.clone(),
            key: f.key,
            label: f.label,
            field_type: f.field_type,
        }));
    }
    Ok(fields)
}

#[derive(Template)]
#[template(path = "settings_flows.html")]
struct FlowsView {
    shell: Shell,
    flows: Vec<Flow>,
    editing: Option<i64>,
    form: FlowForm,
    rows: Vec<StepRow>,
    people: Vec<Choice>,
    roles: Vec<Choice>,
    departments: Vec<Choice>,
    fields: Vec<FlowField>,
    errors: FormErrors,
    /// The messages of each step, by the step's place, shown on its row.
    step_errors: Vec<(usize, String)>,
}

impl FlowsView {
    /// The messages about the step of a row.
    fn errors_of(&self, index: &usize) -> Vec<&str> {
        self.step_errors
            .iter()
            .filter(|(step, _)| step == index)
            .map(|(_, message)| message.as_str())
            .collect()
    }

    fn chosen(&self, row: &StepRow, person: &i64) -> bool {
        row.users.contains(&person.to_string())
    }

    fn rule_label(&self, rule: &ApproverRule) -> String {
        let key = match rule {
            ApproverRule::Users(_) => "users",
            ApproverRule::Superior { .. } => "superior",
            ApproverRule::SuperiorsUpTo { .. } => "superiors_up_to",
            ApproverRule::Role(_) => "role",
            ApproverRule::DepartmentHead => "department_head",
            ApproverRule::ChosenBySubmitter => "chosen",
        };
        let mut text = self.shell.tk("flow_rule", key);
        match rule {
            ApproverRule::Users(users) => {
                let names: Vec<String> = users
                    .iter()
                    .filter_map(|u| self.people.iter().find(|(id, _)| id == u))
                    .map(|(_, name)| name.clone())
                    .collect();
                text = format!("{text}: {}", names.join(", "));
            }
            ApproverRule::Superior { levels } | ApproverRule::SuperiorsUpTo { levels } => {
                text = format!("{text} ({levels})");
            }
            ApproverRule::Role(role) => {
                if let Some((_, name)) = self.roles.iter().find(|(id, _)| id == role) {
                    text = format!("{text}: {name}");
                }
            }
            _ => {}
        }
        text
    }

    fn condition_label(&self, step: &StepDef) -> String {
        let name = |list: &[Choice], id: &i64| {
            list.iter()
                .find(|(c, _)| c == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| id.to_string())
        };
        step.condition
            .iter()
            .map(|c| match (c.field.as_str(), &c.value, c.op) {
                ("amount", FactValue::Number(n), Op::Gt) => format!(
                    "{} > {}",
                    self.shell.t("fields.amount"),
                    money::format_amount(*n)
                ),
                ("amount", FactValue::Number(n), Op::Le) => format!(
                    "{} ≤ {}",
                    self.shell.t("fields.amount"),
                    money::format_amount(*n)
                ),
                ("department_id", FactValue::Id(d), Op::Eq) => format!(
                    "{} = {}",
                    self.shell.t("flows.department"),
                    name(&self.departments, d)
                ),
                ("owner_id", FactValue::Id(u), Op::Eq) => format!(
                    "{} = {}",
                    self.shell.t("fields.owner_id"),
                    name(&self.people, u)
                ),
                (field, value, op) => {
                    let label = self
                        .fields
                        .iter()
                        .find(|f| f.key == field)
                        .map_or(field, |f| f.label.as_str());
                    let value = match value {
                        FactValue::Number(n) => n.to_string(),
                        FactValue::Text(t) => t.clone(),
                        FactValue::Id(i) => i.to_string(),
                        FactValue::List(items) => items.len().to_string(),
                    };
                    format!("{label} {} {value}", op.as_str())
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn kinds(&self) -> [&'static str; 2] {
        ["contract", "payment"]
    }

    fn rules(&self) -> [&'static str; 6] {
        [
            "superior",
            "superiors_up_to",
            "users",
            "role",
            "department_head",
            "chosen",
        ]
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FlowForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    custom_kind: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    when_no_approver: String,
    #[serde(default)]
    fallback: String,
    #[serde(default)]
    resubmit: String,
    #[serde(default)]
    step_name: Vec<String>,
    #[serde(default)]
    step_rule: Vec<String>,
    /// The people of the "users" steps, as `row:user` (a row's select
    /// takes several).
    #[serde(default)]
    step_users: Vec<String>,
    #[serde(default)]
    step_levels: Vec<String>,
    #[serde(default)]
    step_role: Vec<String>,
    #[serde(default)]
    step_mode: Vec<String>,
    #[serde(default)]
    step_above: Vec<String>,
    #[serde(default)]
    step_below: Vec<String>,
    #[serde(default)]
    step_department: Vec<String>,
    #[serde(default)]
    step_field: Vec<String>,
    #[serde(default)]
    step_value: Vec<String>,
    #[serde(default)]
    version: String,
}

fn at(list: &[String], index: usize) -> String {
    list.get(index).cloned().unwrap_or_default()
}

impl FlowForm {
    fn kind(&self) -> String {
        if self.kind == "custom" {
            self.custom_kind.trim().to_string()
        } else {
            self.kind.clone()
        }
    }

    fn rows(&self) -> Vec<StepRow> {
        let mut rows: Vec<StepRow> = (0..self.step_name.len())
            .filter(|i| !self.step_name[*i].trim().is_empty())
            .map(|i| StepRow {
                name: at(&self.step_name, i),
                rule: at(&self.step_rule, i),
                users: self
                    .step_users
                    .iter()
                    .filter_map(|pair| pair.split_once(':'))
                    .filter(|(row, _)| row.parse::<usize>().ok() == Some(i))
                    .map(|(_, user)| user.to_string())
                    .collect(),
                levels: at(&self.step_levels, i),
                role: at(&self.step_role, i),
                mode: at(&self.step_mode, i),
                above: at(&self.step_above, i),
                below: at(&self.step_below, i),
                department: at(&self.step_department, i),
                field: at(&self.step_field, i),
                value: at(&self.step_value, i),
            })
            .collect();
        while rows.len() < STEP_ROWS {
            rows.push(StepRow::default());
        }
        rows
    }

    /// The flow the form describes; a step whose amount cannot be read is
    /// refused beside its row. `fields` tells the type of a named field, so
    /// money is compared in minor units and numbers as numbers.
    fn input(&self, fields: &[FlowField]) -> Result<FlowInput, ServiceError> {
        let mut steps = Vec::new();
        for row in self
            .rows()
            .into_iter()
            .filter(|r| !r.name.trim().is_empty())
        {
            let index = steps.len();
            let number = |text: &str| optional_number(text).unwrap_or(0);
            let approvers = match row.rule.as_str() {
                "users" => ApproverRule::Users(
                    row.users
                        .iter()
                        .filter_map(|u| optional_number(u))
                        .collect(),
                ),
                "superior" => ApproverRule::Superior {
                    levels: u8::try_from(number(&row.levels)).unwrap_or(0),
                },
                "superiors_up_to" => ApproverRule::SuperiorsUpTo {
                    levels: u8::try_from(number(&row.levels)).unwrap_or(0),
                },
                "role" => ApproverRule::Role(number(&row.role)),
                "department_head" => ApproverRule::DepartmentHead,
                _ => ApproverRule::ChosenBySubmitter,
            };
            let refused = |code: &'static str| {
                ServiceError::Invalid(
                    kuijing_domain::FieldError::new(format!("definition.steps.{index}"), code)
                        .into(),
                )
            };
            let amount = |text: &str| money::parse_amount(text).map_err(refused);
            let mut condition = Vec::new();
            // An amount that cannot be read is named by its own field.
            let mut unreadable = kuijing_domain::FieldErrors::new();
            for (text, op, name) in [(&row.above, Op::Gt, "above"), (&row.below, Op::Le, "below")] {
                if text.trim().is_empty() {
                    continue;
                }
                match money::parse_amount(text) {
                    Ok(n) => condition.push(Comparison {
                        field: "amount".into(),
                        op,
                        value: FactValue::Number(n),
                    }),
                    Err(code) => unreadable.add(format!("definition.steps.{index}.{name}"), code),
                }
            }
            unreadable.into_result()?;
            if let Some(department) = optional_number(&row.department) {
                condition.push(Comparison {
                    field: "department_id".into(),
                    op: Op::Eq,
                    value: FactValue::Id(department),
                });
            }
            let field = row.field.trim();
            if !field.is_empty() {
                let kind = self.kind();
                let typed = fields
                    .iter()
                    .find(|f| f.key == field && f.kind == kind)
                    .map(|f| f.field_type);
                let text = row.value.trim();
                let value = match typed {
                    Some(FieldType::Money) => FactValue::Number(amount(text)?),
                    Some(FieldType::Number) => FactValue::Number(
                        text.parse::<f64>()
                            .map(|n| n.round() as i64)
                            .map_err(|_| refused("number_invalid"))?,
                    ),
                    _ => FactValue::Text(text.to_string()),
                };
                condition.push(Comparison {
                    field: field.to_string(),
                    op: Op::Eq,
                    value,
                });
            }
            steps.push(StepDef {
                name: row.name.trim().to_string(),
                approvers,
                mode: if row.mode == "everyone" {
                    Mode::Everyone
                } else {
                    Mode::AnyOne
                },
                condition,
            });
        }
        let when_no_approver = match self.when_no_approver.as_str() {
            "skip" => NoApprover::Skip,
            "fallback" => NoApprover::Fallback(optional_number(&self.fallback).unwrap_or(0)),
            _ => NoApprover::Refuse,
        };
        let resubmit = if self.resubmit == "from_rejected_step" {
            Resubmit::FromRejectedStep
        } else {
            Resubmit::FromStart
        };
        Ok(FlowInput {
            kind: self.kind(),
            name: self.name.clone(),
            active: !self.active.is_empty(),
            definition: FlowDef {
                steps,
                when_no_approver,
                resubmit,
            },
            version: optional_number(&self.version),
        })
    }

    fn of(flow: &Flow) -> Self {
        let mut form = Self {
            name: flow.name.clone(),
            kind: if ["contract", "payment"].contains(&flow.kind.as_str()) {
                flow.kind.clone()
            } else {
                "custom".into()
            },
            custom_kind: flow.kind.clone(),
            active: if flow.active {
                "1".into()
            } else {
                String::new()
            },
            version: flow.version.to_string(),
            ..Self::default()
        };
        let definition = &flow.definition;
        match definition.when_no_approver {
            NoApprover::Skip => form.when_no_approver = "skip".into(),
            NoApprover::Fallback(user) => {
                form.when_no_approver = "fallback".into();
                form.fallback = user.to_string();
            }
            NoApprover::Refuse => form.when_no_approver = "refuse".into(),
        }
        if definition.resubmit == Resubmit::FromRejectedStep {
            form.resubmit = "from_rejected_step".into();
        }
        for step in &definition.steps {
            form.step_name.push(step.name.clone());
            let index = form.step_name.len() - 1;
            let (rule, levels, role) = match &step.approvers {
                ApproverRule::Users(users) => {
                    form.step_users
                        .extend(users.iter().map(|user| format!("{index}:{user}")));
                    ("users", String::new(), String::new())
                }
                ApproverRule::Superior { levels } => {
                    ("superior", levels.to_string(), String::new())
                }
                ApproverRule::SuperiorsUpTo { levels } => {
                    ("superiors_up_to", levels.to_string(), String::new())
                }
                ApproverRule::Role(role) => ("role", String::new(), role.to_string()),
                ApproverRule::DepartmentHead => ("department_head", String::new(), String::new()),
                ApproverRule::ChosenBySubmitter => ("chosen", String::new(), String::new()),
            };
            form.step_rule.push(rule.into());
            form.step_levels.push(levels);
            form.step_role.push(role);
            form.step_mode.push(step.mode.as_str().into());
            let mut above = String::new();
            let mut below = String::new();
            let mut department = String::new();
            let mut field = String::new();
            let mut value = String::new();
            for c in &step.condition {
                match (c.field.as_str(), &c.value, c.op) {
                    ("amount", FactValue::Number(n), Op::Gt) => above = money::amount_text(*n),
                    ("amount", FactValue::Number(n), Op::Le) => below = money::amount_text(*n),
                    ("department_id", FactValue::Id(d), Op::Eq) => department = d.to_string(),
                    (key, FactValue::Text(t), Op::Eq) => {
                        field = key.to_string();
                        value = t.clone();
                    }
                    (key, FactValue::Number(n), Op::Eq) => {
                        field = key.to_string();
                        value = n.to_string();
                    }
                    _ => {}
                }
            }
            form.step_above.push(above);
            form.step_below.push(below);
            form.step_department.push(department);
            form.step_field.push(field);
            form.step_value.push(value);
        }
        form
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FlowsQuery {
    #[serde(default)]
    edit: String,
    done: Option<String>,
}

async fn flows_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (editing, form): (Option<i64>, Option<FlowForm>),
    (errors, step_errors): (FormErrors, Vec<(usize, String)>),
    done: Option<&str>,
) -> Result<FlowsView, ServiceError> {
    if !caller.can(Permission::new(Kind::Approval, Action::Manage)) {
        return Err(ServiceError::Forbidden);
    }
    let flows = state.app.approval_flows(caller).await?;
    let form = match (form, editing) {
        (Some(form), _) => form,
        (None, Some(id)) => flows
            .iter()
            .find(|f| f.id == id)
            .map(FlowForm::of)
            .ok_or(ServiceError::NotFound)?,
        (None, None) => FlowForm {
            kind: "contract".into(),
            active: "1".into(),
            ..FlowForm::default()
        },
    };
    Ok(FlowsView {
        shell: Shell::new(
            state,
            caller,
            lang,
            "/settings/approval-flows",
            "flows.title",
        )
        .with_notice(done),
        rows: form.rows(),
        form,
        flows,
        editing,
        people: state.app.user_choices(caller).await?,
        roles: state.app.role_names().await?,
        departments: state.app.department_choices().await?,
        fields: flow_fields(state, caller).await?,
        errors,
        step_errors,
    })
}

pub async fn show_flows(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<FlowsQuery>,
) -> Response {
    let editing = optional_number(&query.edit);
    answer(
        flows_view(
            &state,
            &caller,
            lang,
            (editing, None),
            (FormErrors::default(), Vec::new()),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn save_flow(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<FlowsQuery>,
    Form(form): Form<FlowForm>,
) -> Response {
    let editing = optional_number(&query.edit);
    let fields = match flow_fields(&state, &caller).await {
        Ok(fields) => fields,
        Err(error) => return error_page(error, &caller, lang),
    };
    let result = match form.input(&fields) {
        Ok(input) => match editing {
            Some(id) => state.app.update_approval_flow(&caller, id, input).await,
            None => state.app.create_approval_flow(&caller, input).await,
        },
        Err(error) => Err(error),
    };
    if let Err(ServiceError::Forbidden) = &result {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let step_errors = match &result {
        Err(ServiceError::Invalid(errors)) => step_errors(errors, lang),
        _ => Vec::new(),
    };
    after_post(
        result,
        |_| done("/settings/approval-flows", "saved"),
        async |errors| {
            let errors = (errors, step_errors);
            flows_view(&state, &caller, lang, (editing, Some(form)), errors, None).await
        },
        &caller,
        lang,
    )
    .await
}

/// The messages of `definition.steps.<n>` (and of its fields), by step.
fn step_errors(errors: &kuijing_domain::FieldErrors, lang: Lang) -> Vec<(usize, String)> {
    errors
        .0
        .iter()
        .filter_map(|e| {
            let rest = e.field.strip_prefix("definition.steps.")?;
            let step = rest.split('.').next()?.parse::<usize>().ok()?;
            Some((step, crate::error::field_message(e, lang)))
        })
        .collect()
}
