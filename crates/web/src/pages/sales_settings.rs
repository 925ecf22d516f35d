//! Settings of the sales modules: pipelines with their stages, and approval
//! flows with their steps.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::approval::{ApproverRule, StepDef};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::approvals::Flow;
use kuijing_service::choices::Choice;
use kuijing_service::opportunities::{PipelineInput, PipelineView as Pipeline, StageInput};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::flow_form::{
    COMMON_FACTS, CondRow, FlowField, FlowForm, OPS, StepRow, Vocabulary, flow_fields,
};
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

/// The stage a move button names: `up:<stage id>` or `down:<stage id>`.
#[derive(Debug, Default, Deserialize)]
pub struct StageMoveForm {
    #[serde(default)]
    r#move: String,
}

pub async fn move_stage(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<StageMoveForm>,
) -> Response {
    let result = match form.r#move.split_once(':') {
        Some((way @ ("up" | "down"), stage)) => {
            let stage = optional_number(stage).unwrap_or(-1);
            let record = (id, stage);
            state
                .app
                .move_pipeline_stage(&caller, record, way == "up")
                .await
        }
        _ => Err(ServiceError::NotFound),
    };
    after_post(
        result,
        |_| done("/settings/pipelines", "saved"),
        async |errors| pipelines_view(&state, &caller, lang, (errors, id), None).await,
        &caller,
        lang,
    )
    .await
}

pub async fn set_default_pipeline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.set_default_pipeline(&caller, id).await;
    after_post(
        result,
        |_| done("/settings/pipelines", "saved"),
        async |errors| pipelines_view(&state, &caller, lang, (errors, id), None).await,
        &caller,
        lang,
    )
    .await
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
    /// The request kinds by code, with their names.
    request_kinds: Vec<(String, String)>,
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

    /// What the form and the list need to say a condition of `kind`.
    fn vocabulary<'a>(&'a self, kind: &'a str) -> Vocabulary<'a> {
        Vocabulary {
            people: &self.people,
            departments: &self.departments,
            fields: &self.fields,
            kind,
            lang: self.shell.lang,
        }
    }

    /// A step's conditions as sentences in the user's language.
    fn condition_label(&self, flow: &Flow, step: &StepDef) -> String {
        let vocabulary = self.vocabulary(&flow.kind);
        step.condition
            .iter()
            .map(|c| vocabulary.sentence(c))
            .collect::<Vec<_>>()
            .join(self.shell.t("sales4.and").as_str())
    }

    /// A condition the form keeps whole, as a sentence.
    fn raw_label(&self, raw: &str) -> String {
        let kind = self.form.kind();
        serde_json::from_str(raw)
            .map(|c| self.vocabulary(&kind).sentence(&c))
            .unwrap_or_default()
    }

    /// The name of a condition's field.
    fn fact_label(&self, key: &str) -> String {
        self.vocabulary(&self.form.kind()).label(key)
    }

    /// The fields a condition may name beside the common facts: the
    /// flow's own kind's when it is being edited (its kind is fixed), every
    /// kind's for a new flow. A field keyed like a common fact is left out:
    /// the fact always wins over it.
    fn field_options(&self) -> Vec<&FlowField> {
        let kind = self.form.kind();
        self.fields
            .iter()
            .filter(|f| !COMMON_FACTS.contains(&f.key.as_str()))
            .filter(|f| self.editing.is_none() || f.kind == kind)
            .collect()
    }

    /// Whether a condition names `field`: by its key, and only when the
    /// field is of the flow's own kind.
    fn names_field(&self, cond: &CondRow, field: &FlowField) -> bool {
        cond.field == field.key && field.kind == self.form.kind()
    }

    fn facts(&self) -> [&'static str; 3] {
        COMMON_FACTS
    }

    fn ops(&self) -> [&'static str; 7] {
        OPS
    }

    /// A kind as people call it: the locale's word for contracts and
    /// payments, a request kind by the name its administrator gave.
    fn kind_name(&self, kind: &str) -> String {
        self.request_kinds
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| {
                let key = format!("kinds.{kind}");
                let text = self.shell.t(&key);
                if text == key { kind.to_string() } else { text }
            })
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
pub struct FlowsQuery {
    #[serde(default)]
    edit: String,
    /// The flows a save switched off, by id, named in the notice.
    #[serde(default)]
    off: String,
    done: Option<String>,
}

/// The names a flow's form and list show: people, departments, the kinds'
/// own fields and the request kinds.
struct FlowNames {
    people: Vec<Choice>,
    departments: Vec<Choice>,
    fields: Vec<FlowField>,
    request_kinds: Vec<(String, String)>,
}

impl FlowNames {
    async fn load(state: &AppState, caller: &Caller) -> Result<Self, ServiceError> {
        Ok(Self {
            people: state.app.user_choices(caller).await?,
            departments: state.app.department_choices().await?,
            fields: flow_fields(state, caller).await?,
            request_kinds: state
                .app
                .request_kinds(caller)
                .await?
                .into_iter()
                .map(|k| (k.kind, k.name))
                .collect(),
        })
    }

    fn vocabulary<'a>(&'a self, kind: &'a str, lang: Lang) -> Vocabulary<'a> {
        Vocabulary {
            people: &self.people,
            departments: &self.departments,
            fields: &self.fields,
            kind,
            lang,
        }
    }
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
    let names = FlowNames::load(state, caller).await?;
    let form = match (form, editing) {
        (Some(form), _) => form,
        (None, Some(id)) => flows
            .iter()
            .find(|f| f.id == id)
            .map(|flow| FlowForm::of(flow, &names.vocabulary(&flow.kind, lang)))
            .ok_or(ServiceError::NotFound)?,
        (None, None) => FlowForm::new_flow(),
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
        people: names.people,
        roles: state.app.role_names().await?,
        departments: names.departments,
        fields: names.fields,
        request_kinds: names.request_kinds,
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
    let off: Vec<i64> = query
        .off
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    let view = flows_view(
        &state,
        &caller,
        lang,
        (editing, None),
        (FormErrors::default(), Vec::new()),
        query.done.as_deref(),
    )
    .await
    .map(|mut view| {
        let names: Vec<String> = view
            .flows
            .iter()
            .filter(|f| off.contains(&f.id))
            .map(|f| f.name.clone())
            .collect();
        if let (Some(notice), false) = (view.shell.notice.as_mut(), names.is_empty()) {
            let more = lang
                .t("sales4.switched_off")
                .replace("%{names}", &names.join(lang.t("sales4.and").as_str()));
            *notice = format!("{notice} {more}");
        }
        view
    });
    answer(view, StatusCode::OK, &caller, lang)
}

pub async fn save_flow(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<FlowsQuery>,
    Form(form): Form<FlowForm>,
) -> Response {
    let editing = optional_number(&query.edit);
    let names = match FlowNames::load(&state, &caller).await {
        Ok(names) => names,
        Err(error) => return error_page(error, &caller, lang),
    };
    if !form.more.is_empty() {
        // "Add a step": the same form again with another empty row.
        return answer(
            flows_view(
                &state,
                &caller,
                lang,
                (editing, Some(form)),
                (FormErrors::default(), Vec::new()),
                None,
            )
            .await,
            StatusCode::OK,
            &caller,
            lang,
        );
    }
    let kind = form.kind();
    let result = match form.input(&names.vocabulary(&kind, lang)) {
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
        |saved| {
            let off: Vec<String> = saved
                .switched_off
                .iter()
                .map(|f| f.id.to_string())
                .collect();
            if off.is_empty() {
                done("/settings/approval-flows", "saved")
            } else {
                done(
                    "/settings/approval-flows",
                    &format!("saved&off={}", off.join(",")),
                )
            }
        },
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
