//! Settings of the sales modules: pipelines with their stages (approval
//! flows are in `flow_settings`).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::choices::Choice;
use kuijing_service::opportunities::{PipelineInput, PipelineView as Pipeline, StageInput};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::{FormErrors, after_post, answer, done, optional_number};
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
