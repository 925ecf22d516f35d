//! Lead pages: the list, a new lead, and a lead's page with its follow-ups
//! and the conversion into a customer.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::customers::FollowUpInput;
use kuijing_service::leads::{ConvertInput, Lead, LeadDetail, LeadInput};
use kuijing_service::{Caller, ListPage, PageRequest, ServiceError};
use serde::Deserialize;

use super::customers::Choices;
use super::forms::{FormErrors, done, error_page, optional_number, optional_text, status_of};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsPage {
    shell: Shell,
    list: ListPage<Lead>,
    q: String,
    open_only: bool,
    can_create: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct LeadsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    all: String,
    #[serde(default)]
    cursor: String,
    done: Option<String>,
}

pub async fn list_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<LeadsQuery>,
) -> Response {
    let open_only = query.all.is_empty();
    let page = PageRequest {
        cursor: query.cursor.parse().ok(),
        limit: Some(50),
    };
    match state
        .app
        .list_leads(
            &caller,
            optional_text(&query.q).as_deref(),
            open_only.then_some(false),
            page,
        )
        .await
    {
        Ok(list) => {
            let page = LeadsPage {
                shell: Shell::new(&state, &caller, lang, "/leads", "leads.title")
                    .with_notice(query.done.as_deref()),
                list,
                q: query.q,
                open_only,
                can_create: caller.can(Permission::new(Kind::Lead, Action::Create)),
            };
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Template)]
#[template(path = "lead_form.html")]
struct LeadFormPage {
    shell: Shell,
    form: LeadForm,
    choices: Choices,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct LeadForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    notes: String,
}

impl LeadForm {
    fn input(&self) -> LeadInput {
        LeadInput {
            name: self.name.clone(),
            contact_name: optional_text(&self.contact_name),
            mobile: optional_text(&self.mobile),
            phone: optional_text(&self.phone),
            email: optional_text(&self.email),
            address: optional_text(&self.address),
            source_id: optional_number(&self.source_id),
            notes: optional_text(&self.notes),
            ..LeadInput::default()
        }
    }

    fn is_source(&self, id: &i64) -> bool {
        self.source_id == id.to_string()
    }
}

pub async fn new_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !caller.can(Permission::new(Kind::Lead, Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    match Choices::load(&state).await {
        Ok(choices) => {
            let page = LeadFormPage {
                shell: Shell::new(&state, &caller, lang, "/leads", "leads.new"),
                form: LeadForm::default(),
                choices,
                errors: FormErrors::default(),
            };
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn create_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    axum::Form(form): axum::Form<LeadForm>,
) -> Response {
    match state.app.create_lead(&caller, form.input()).await {
        Ok(detail) => done(&format!("/leads/{}", detail.lead.id), "created"),
        Err(error) => match (
            FormErrors::from_service(&error, lang),
            Choices::load(&state).await,
        ) {
            (Some(errors), Ok(choices)) => {
                let page = LeadFormPage {
                    shell: Shell::new(&state, &caller, lang, "/leads", "leads.new"),
                    form,
                    choices,
                    errors,
                };
                render(&page, status_of(&error))
            }
            _ => error_page(error, &caller, lang),
        },
    }
}

#[derive(Template)]
#[template(path = "lead.html")]
struct LeadPage {
    shell: Shell,
    detail: LeadDetail,
    source: Option<String>,
    can_convert: bool,
    can_follow_up: bool,
    errors: FormErrors,
}

async fn lead_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    notice: Option<&str>,
) -> Result<LeadPage, ServiceError> {
    let detail = state.app.get_lead(caller, id).await?;
    let choices = Choices::load(state).await?;
    let source = detail.lead.source_id.and_then(|s| {
        choices
            .sources
            .iter()
            .find(|c| c.id == s)
            .map(|c| c.label.clone())
    });
    let mut shell = Shell::new(state, caller, lang, "/leads", "leads.title").with_notice(notice);
    shell.title = detail.lead.name.clone();
    Ok(LeadPage {
        can_convert: !detail.lead.converted
            && caller.can(Permission::new(Kind::Lead, Action::Convert))
            && caller.can(Permission::new(Kind::Customer, Action::Create)),
        can_follow_up: caller.can(Permission::new(Kind::FollowUp, Action::Create)),
        shell,
        detail,
        source,
        errors,
    })
}

pub async fn show_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<LeadsQuery>,
) -> Response {
    match lead_page(
        &state,
        &caller,
        lang,
        id,
        FormErrors::default(),
        query.done.as_deref(),
    )
    .await
    {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    content: String,
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<NoteForm>,
) -> Response {
    let input = FollowUpInput {
        content: form.content,
        ..FollowUpInput::default()
    };
    match state.app.add_lead_follow_up(&caller, id, input).await {
        Ok(_) => done(&format!("/leads/{id}"), "saved"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match lead_page(&state, &caller, lang, id, errors, None).await {
                Ok(page) => render(&page, status_of(&error)),
                Err(error) => error_page(error, &caller, lang),
            },
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn convert(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state
        .app
        .convert_leads(&caller, ConvertInput { ids: vec![id] })
        .await
    {
        Ok(converted) => match converted.first() {
            Some(c) => Redirect::to(&format!("/customers/{}?done=converted", c.customer_id))
                .into_response(),
            None => done(&format!("/leads/{id}"), "saved"),
        },
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => match lead_page(&state, &caller, lang, id, errors, None).await {
                Ok(page) => render(&page, status_of(&error)),
                Err(error) => error_page(error, &caller, lang),
            },
            None => error_page(error, &caller, lang),
        },
    }
}
