//! A contact's record page: its header with the actions (edit, transfer,
//! delete), follow-ups with the composer, details with custom fields, the
//! customer's opportunities, attachments and change log.

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::attachments::Attachment;
use kuijing_service::contacts::ContactDetail;
use kuijing_service::follow_ups::FollowUpChoices;
use kuijing_service::opportunities::{OpportunityListQuery, OpportunityRow};
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
#[template(path = "contact.html")]
struct ContactPage {
    shell: Shell,
    detail: ContactDetail,
    /// The customer's latest opportunities the caller may see, and how many
    /// they are.
    opportunities: Vec<OpportunityRow>,
    opportunities_total: i64,
    choices: Choices,
    /// What the composer offers to name, and the follow-ups newest first.
    follow_up_choices: FollowUpChoices,
    timeline: Vec<TimelineEntry>,
    people: Vec<UserView>,
    composer: Composer,
    attachments: Vec<Attachment>,
    errors: FormErrors,
    can_follow_up: bool,
    can_transfer: bool,
    can_delete: bool,
}

impl ContactPage {
    /// How many more of the customer's opportunities the list holds, said
    /// in the user's language; none when all are shown.
    fn more_opportunities(&self) -> Option<String> {
        let more = self.opportunities_total - self.opportunities.len() as i64;
        (more > 0).then(|| self.shell.tn("records.contact_more_opportunities", &more))
    }
}

async fn contact_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    (composer, errors): (Composer, FormErrors),
) -> Result<ContactPage, ServiceError> {
    let detail = state.app.get_contact(caller, id).await?;
    let choices = Choices::load_for(state, caller, Kind::Contact).await?;
    let mut shell = Shell::new(state, caller, lang, "/contacts", "contacts.title");
    shell.title = detail.view.contact.name.clone();
    let can_transfer = caller.can(Permission::new(Kind::Contact, Action::Transfer));
    let (opportunities, opportunities_total) =
        if caller.can(Permission::new(Kind::Opportunity, Action::View)) {
            let query = OpportunityListQuery {
                customer_id: Some(detail.view.contact.customer_id),
                ..OpportunityListQuery::default()
            };
            let page = kuijing_service::PageRequest {
                cursor: None,
                limit: Some(8),
                anchor: None,
            };
            let found = state.app.list_opportunities(caller, &query, page).await;
            found.map(|p| (p.items, p.total)).unwrap_or_default()
        } else {
            (Vec::new(), 0)
        };
    let follow_up_choices = state
        .app
        .follow_up_choices(caller, Some(detail.view.contact.customer_id))
        .await?;
    let mut timeline =
        TimelineEntry::merge(&detail.follow_ups, Vec::new(), &choices.method_names());
    let events = state
        .app
        .events_of_record(caller, (Kind::Contact, id))
        .await?;
    TimelineEntry::add_events(&mut timeline, events);
    Ok(ContactPage {
        opportunities,
        opportunities_total,
        can_follow_up: caller.can(Permission::new(Kind::FollowUp, Action::Create)),
        can_delete: caller.can(Permission::new(Kind::Contact, Action::Delete)),
        people: if can_transfer {
            people(state, caller, Kind::Contact).await
        } else {
            Vec::new()
        },
        can_transfer,
        attachments: state
            .app
            .list_attachments(caller, Kind::Contact, id)
            .await
            .unwrap_or_default(),
        follow_up_choices,
        timeline,
        choices,
        composer,
        errors,
        shell,
        detail,
    })
}

/// The contact's page again after a refused action, with the reason on top.
pub(crate) async fn shown_again(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    match contact_page(state, caller, lang, id, (Composer::default(), errors)).await {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RecordQuery {
    done: Option<String>,
    n: Option<u64>,
}

pub async fn show_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<RecordQuery>,
) -> Response {
    let built = contact_page(&state, &caller, lang, id, Default::default()).await;
    match built {
        Ok(mut page) => {
            page.shell.notice = super::contacts::notice(lang, query.done.as_deref(), query.n);
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
            .add_contact_follow_up(&caller, id, input, files)
            .await
            .map(|_| ()),
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let error = match result {
        Ok(()) => return done(&format!("/contacts/{id}"), "follow_up"),
        Err(error) => error,
    };
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, &caller, lang);
    };
    match contact_page(&state, &caller, lang, id, (composer, errors)).await {
        Ok(page) => render(&page, status_of(&error)),
        Err(error) => error_page(error, &caller, lang),
    }
}
