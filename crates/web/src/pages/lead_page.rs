//! A lead's record page: its header with the actions (edit, transfer,
//! convert, delete), follow-ups with the composer, details with custom
//! fields, attachments, team and change log.

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::attachments::Attachment;
use kuijing_service::follow_ups::FollowUpChoices;
use kuijing_service::leads::LeadDetail;
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ServiceError};

use super::customers::Choices;
use super::follow_ups::{Composer, TimelineEntry};
use super::forms::{FormErrors, done, error_page, status_of};
use super::records::people;
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "lead.html")]
pub(super) struct LeadPage {
    shell: Shell,
    /// The member being added to the team as typed.
    pub(super) team_form: super::teams::TeamForm,
    can_team: bool,
    detail: LeadDetail,
    choices: Choices,
    /// What the composer offers to name, and the follow-ups newest first.
    follow_up_choices: FollowUpChoices,
    timeline: Vec<TimelineEntry>,
    people: Vec<UserView>,
    composer: Composer,
    attachments: Vec<Attachment>,
    errors: FormErrors,
    can_convert: bool,
    can_follow_up: bool,
    can_transfer: bool,
    can_delete: bool,
    /// A conversion refused because the lead looks like existing customers.
    duplicates: Option<super::leads::DuplicateChoice>,
}

pub(super) async fn lead_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    (composer, errors): (Composer, FormErrors),
) -> Result<LeadPage, ServiceError> {
    let detail = state.app.get_lead(caller, id).await?;
    let choices = Choices::load_for(state, caller, Kind::Lead).await?;
    let mut shell = Shell::new(state, caller, lang, "/leads", "leads.title");
    shell.title = detail.view.lead.name.clone();
    // A team member who only reads changes nothing on the lead.
    let may_act = !detail.view.lead.converted && detail.writable;
    let can_transfer = may_act && caller.can(Permission::new(Kind::Lead, Action::Transfer));
    let can_team = detail.writable && caller.can(Permission::new(Kind::Lead, Action::Team));
    // A lead has no customer yet: its follow-ups name no contacts or opportunities.
    let follow_up_choices = FollowUpChoices::default();
    let mut timeline =
        TimelineEntry::merge(&detail.follow_ups, Vec::new(), &choices.method_names());
    let events = state.app.events_of_record(caller, (Kind::Lead, id)).await?;
    TimelineEntry::add_events(&mut timeline, events);
    Ok(LeadPage {
        can_convert: may_act
            && caller.can(Permission::new(Kind::Lead, Action::Convert))
            && caller.can(Permission::new(Kind::Customer, Action::Create)),
        can_follow_up: may_act && caller.can(Permission::new(Kind::FollowUp, Action::Create)),
        can_delete: detail.writable && caller.can(Permission::new(Kind::Lead, Action::Delete)),
        people: if can_transfer || can_team {
            people(state, caller, Kind::Lead).await
        } else {
            Vec::new()
        },
        can_transfer,
        can_team,
        team_form: Default::default(),
        attachments: state
            .app
            .list_attachments(caller, Kind::Lead, id)
            .await
            .unwrap_or_default(),
        follow_up_choices,
        timeline,
        choices,
        composer,
        errors,
        shell,
        detail,
        duplicates: None,
    })
}

/// The lead's page again after a refused action, with the reason on top.
pub(crate) async fn shown_again(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    match lead_page(state, caller, lang, id, (Composer::default(), errors)).await {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

/// The lead's page after its conversion met existing customers like it:
/// the matches, with "link to this customer" and "create anyway".
pub(crate) async fn duplicates_shown(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    choice: super::leads::DuplicateChoice,
) -> Response {
    let built = lead_page(state, caller, lang, id, Default::default()).await;
    match built {
        Ok(mut page) => {
            page.duplicates = Some(choice);
            render(&page, StatusCode::CONFLICT)
        }
        Err(error) => error_page(error, caller, lang),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RecordQuery {
    done: Option<String>,
    n: Option<u64>,
}

pub async fn show_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<RecordQuery>,
) -> Response {
    let built = lead_page(&state, &caller, lang, id, Default::default()).await;
    match built {
        Ok(mut page) => {
            page.shell.notice = super::leads::notice(lang, query.done.as_deref(), query.n);
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: Multipart,
) -> Response {
    let (composer, files) = Composer::read(multipart).await;
    let result = match composer.input(state.app.time_zone()) {
        Ok(input) => state
            .app
            .add_lead_follow_up(&caller, id, input, files)
            .await
            .map(|_| ()),
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let error = match result {
        Ok(()) => return done(&format!("/leads/{id}"), "follow_up"),
        Err(error) => error,
    };
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, &caller, lang);
    };
    match lead_page(&state, &caller, lang, id, (composer, errors)).await {
        Ok(page) => render(&page, status_of(&error)),
        Err(error) => error_page(error, &caller, lang),
    }
}
