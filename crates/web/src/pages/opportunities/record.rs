//! An opportunity's record page: its fields, stage history, follow-ups,
//! team and contracts, and the actions taken on it.

use super::*;

#[derive(Template)]
#[template(path = "opportunity.html")]
pub(in crate::pages) struct RecordView {
    shell: Shell,
    /// Who may join the team, and the member being added as typed.
    people: Vec<kuijing_service::users::UserView>,
    pub(in crate::pages) team_form: crate::pages::teams::TeamForm,
    can_team: bool,
    detail: OpportunityDetail,
    errors: FormErrors,
    methods: Vec<crate::pages::customers::Choice>,
    can_follow_up: bool,
    can_delete: bool,
    can_contract: bool,
    fields: Vec<FieldDef>,
    attachments: Vec<Attachment>,
    composer: Composer,
    follow_up_choices: kuijing_service::follow_ups::FollowUpChoices,
    timeline: Vec<TimelineEntry>,
}

impl RecordView {
    fn stage_name(&self, id: &i64) -> String {
        self.detail
            .pipeline
            .stage(*id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// Whether a stage lies before the opportunity's one (done) in the pipeline.
    fn passed(&self, id: &i64) -> bool {
        let at = |stage: i64| {
            self.detail
                .pipeline
                .stages
                .iter()
                .position(|s| s.id == stage)
        };
        match (at(*id), at(self.detail.row.opportunity.stage_id)) {
            (Some(stage), Some(current)) => stage < current,
            _ => false,
        }
    }

    fn open(&self) -> bool {
        self.detail.row.opportunity.outcome == Outcome::Open
    }

    /// Which zone the next contact time is typed in.
    fn zone_hint(&self) -> String {
        self.shell
            .t("customers.zone_hint")
            .replace("%{zone}", self.shell.zone.name())
    }

    fn weighted(&self) -> String {
        let o = &self.detail.row.opportunity;
        self.shell.money(
            &money::weighted(o.amount, self.detail.row.win_rate),
            &o.currency,
        )
    }
}

pub(in crate::pages) async fn record_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<RecordView, ServiceError> {
    let detail = state.app.get_opportunity(caller, id).await?;
    let can_team = detail.can_edit && can(caller, Action::Team);
    let people = if can_team {
        crate::pages::records::people(state, caller, Kind::Opportunity).await
    } else {
        Vec::new()
    };
    let choices = crate::pages::customers::Choices::load(state, caller).await?;
    let title = detail.row.opportunity.name.clone();
    let mut shell =
        Shell::new(state, caller, lang, "/opportunities", "opportunities.title").with_notice(done);
    shell.title = title;
    let follow_up_choices = state
        .app
        .follow_up_choices(caller, Some(detail.row.opportunity.customer_id))
        .await?;
    let approvals = state
        .app
        .timeline_approvals(caller, (Kind::Opportunity, id))
        .await?;
    let methods: std::collections::BTreeMap<i64, String> = choices
        .methods
        .iter()
        .map(|m| (m.id, m.label.clone()))
        .collect();
    let timeline = TimelineEntry::merge(&detail.follow_ups, approvals, &methods);
    Ok(RecordView {
        people,
        team_form: Default::default(),
        can_team,
        composer: Composer::default(),
        follow_up_choices,
        timeline,
        can_follow_up: caller.can(Permission::new(Kind::FollowUp, Action::Create)),
        can_delete: can(caller, Action::Delete) && detail.can_edit,
        can_contract: caller.can(Permission::new(Kind::Contract, Action::Create)),
        fields: state.app.custom_fields(Kind::Opportunity).await?,
        attachments: state
            .app
            .list_attachments(caller, Kind::Opportunity, detail.row.opportunity.id)
            .await?,
        methods: choices.methods,
        detail,
        errors,
        shell,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        record_view(
            &state,
            &caller,
            lang,
            id,
            FormErrors::default(),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    stage_id: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
    /// `board` when the move comes from the board.
    #[serde(default)]
    from: String,
}

/// A stage change from the record page or the board. The board's script
/// asks for JSON and moves the card itself; without it, the page reloads.
pub async fn move_stage(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    headers: HeaderMap,
    Form(form): Form<MoveForm>,
) -> Response {
    let input = MoveInput {
        stage_id: optional_number(&form.stage_id),
        outcome: optional_text(&form.outcome),
        reason: optional_text(&form.reason),
    };
    let via = if form.from == "board" {
        "board"
    } else {
        "form"
    };
    let result = state.app.move_opportunity(&caller, id, &input, via).await;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return match result {
            Ok(moved) => axum::Json(moved).into_response(),
            Err(error) => crate::error::ApiError::from_service(error, lang, &caller.request_id)
                .into_response(),
        };
    }
    let back = if via == "board" {
        // Back to the board of the card's own pipeline, where it now stands.
        match &result {
            Ok(moved) => format!("/opportunities/board?pipeline_id={}", moved.pipeline_id),
            Err(_) => "/opportunities/board".to_string(),
        }
    } else {
        format!("/opportunities/{id}")
    };
    on_record(&state, &caller, lang, id, result, (&back, "saved")).await
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: axum::extract::Multipart,
) -> Response {
    let (composer, files) = Composer::read(multipart).await;
    let result = match composer.input(state.app.time_zone()) {
        Ok(input) => {
            state
                .app
                .add_opportunity_follow_up(&caller, id, input, files)
                .await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let error = match result {
        Ok(_) => return done(&format!("/opportunities/{id}#follow-ups"), "saved"),
        Err(error) => error,
    };
    // Refused: the page again with what was typed and why.
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, &caller, lang);
    };
    match record_view(&state, &caller, lang, id, errors, None).await {
        Ok(mut view) => {
            view.composer = composer;
            render(&view, crate::pages::forms::status_of(&error))
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn delete_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_opportunity(&caller, id).await;
    on_record(
        &state,
        &caller,
        lang,
        id,
        result,
        ("/opportunities", "deleted"),
    )
    .await
}

/// After an action on the record's page: back to the page it names with a
/// confirmation, or the record's page again with what refused it.
async fn on_record<T>(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    result: Result<T, ServiceError>,
    (path, what): (&str, &str),
) -> Response {
    after_post(
        result,
        |_| done(path, what),
        async |errors| record_view(state, caller, lang, id, errors, None).await,
        caller,
        lang,
    )
    .await
}
