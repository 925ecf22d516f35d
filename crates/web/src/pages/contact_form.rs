//! The contact form: a new contact (of a customer the user may change), and
//! the edit of one with the version read, so a save on a newer version
//! keeps what was typed and says so.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::contacts::{ContactDetail, ContactInput};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::customers::Choices;
use super::forms::{
    FormErrors, answer, done, error_page, optional_number, optional_text, status_of,
};
use super::records::{custom_of, custom_texts, custom_value, people};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::message;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "contact_form.html")]
struct ContactFormPage {
    shell: Shell,
    id: Option<i64>,
    form: ContactForm,
    choices: Choices,
    people: Vec<UserView>,
    /// Customers to choose from: those the caller sees, recent first.
    customers: Vec<(i64, String)>,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    customer_id: String,
    /// The customer's name as the form was opened with it, so a customer
    /// beyond the recent ones stays offered.
    #[serde(default)]
    customer_name: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    decision_maker: Option<String>,
    #[serde(default)]
    is_primary: Option<String>,
    #[serde(default)]
    address: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    version: String,
    /// `custom.<key>` values of custom fields, and whatever else the form sent.
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl ContactForm {
    fn of(detail: &ContactDetail) -> Self {
        let p = &detail.view.contact;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let tick = |on: bool| on.then(|| "1".to_string());
        Self {
            customer_id: p.customer_id.to_string(),
            customer_name: p.customer_name.clone(),
            name: p.name.clone(),
            mobile: text(&p.mobile),
            phone: text(&p.phone),
            email: text(&p.email),
            post: text(&p.post),
            decision_maker: tick(p.decision_maker),
            is_primary: tick(p.is_primary),
            address: text(&p.address),
            notes: text(&p.notes),
            owner_id: p.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            version: p.version.to_string(),
            rest: custom_texts(&p.custom),
        }
    }

    fn custom_value(&self, key: &str) -> String {
        custom_value(&self.rest, key)
    }

    fn is(&self, field: &str, id: &i64) -> bool {
        let value = match field {
            "customer_id" => &self.customer_id,
            _ => &self.owner_id,
        };
        value == &id.to_string()
    }

    /// Every field as the service reads it; on an edit, the version read (one
    /// that is not a number matches none, so the save is refused as stale).
    fn input(&self, editing: bool) -> ContactInput {
        ContactInput {
            // No choice is no customer: the service names the field.
            customer_id: optional_number(&self.customer_id).unwrap_or(-1),
            name: self.name.clone(),
            mobile: optional_text(&self.mobile),
            phone: optional_text(&self.phone),
            email: optional_text(&self.email),
            post: optional_text(&self.post),
            decision_maker: self.decision_maker.is_some(),
            is_primary: self.is_primary.is_some(),
            address: optional_text(&self.address),
            notes: optional_text(&self.notes),
            custom: custom_of(&self.rest)
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect(),
            next_contact_at: None,
            owner_id: (!editing)
                .then(|| optional_number(&self.owner_id))
                .flatten(),
            version: editing.then(|| self.version.trim().parse().unwrap_or(-1)),
        }
    }
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    (form, errors): (ContactForm, FormErrors),
) -> Result<ContactFormPage, ServiceError> {
    let title = if id.is_some() {
        "records.contact_edit"
    } else {
        "records.contact_new"
    };
    let mut customers = state.app.customer_choices(caller, 200).await?;
    if let Ok(current) = form.customer_id.trim().parse::<i64>()
        && !form.customer_name.is_empty()
        && !customers.iter().any(|(id, _)| *id == current)
    {
        customers.insert(0, (current, form.customer_name.clone()));
    }
    Ok(ContactFormPage {
        shell: Shell::new(state, caller, lang, "/contacts", title),
        id,
        customers,
        form,
        choices: Choices::load_for(state, Kind::Contact).await?,
        people: if id.is_none() {
            people(state, caller, Kind::Contact).await
        } else {
            Vec::new()
        },
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// The customer the contact is for, when it comes from the customer's page.
    #[serde(default)]
    customer_id: String,
}

pub async fn new_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewQuery>,
) -> Response {
    if !caller.can(Permission::new(Kind::Contact, Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = ContactForm {
        owner_id: caller.user.id.to_string(),
        customer_id: query.customer_id,
        ..ContactForm::default()
    };
    let page = form_page(&state, &caller, lang, None, (form, FormErrors::default())).await;
    answer(page, StatusCode::OK, &caller, lang)
}

pub async fn create_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ContactForm>,
) -> Response {
    match state.app.create_contact(&caller, form.input(false)).await {
        Ok(detail) => done(&format!("/contacts/{}", detail.view.contact.id), "created"),
        Err(error) => refused(&state, &caller, lang, None, (form, error)).await,
    }
}

pub async fn edit_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_contact(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(_) => return error_page(ServiceError::Forbidden, &caller, lang),
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = ContactForm::of(&detail);
    let page = form_page(
        &state,
        &caller,
        lang,
        Some(id),
        (form, FormErrors::default()),
    )
    .await;
    answer(page, StatusCode::OK, &caller, lang)
}

pub async fn update_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<ContactForm>,
) -> Response {
    match state
        .app
        .update_contact(&caller, id, form.input(true))
        .await
    {
        Ok(_) => done(&format!("/contacts/{id}"), "saved"),
        Err(error) => refused(&state, &caller, lang, Some(id), (form, error)).await,
    }
}

/// The form again with what was typed and why it was refused. Someone
/// saved meanwhile: the form takes their version, so saving again is a
/// deliberate overwrite.
async fn refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    (form, error): (ContactForm, ServiceError),
) -> Response {
    let (errors, form) = match &error {
        ServiceError::Changed { version, .. } => {
            let errors = FormErrors {
                fields: Default::default(),
                form: Some(format!(
                    "{} {}",
                    message(&error, lang),
                    lang.t("customers.stale_hint")
                )),
            };
            let version = version.to_string();
            (errors, ContactForm { version, ..form })
        }
        _ => match FormErrors::from_service(&error, lang) {
            Some(errors) => (errors, form),
            None => return error_page(error, caller, lang),
        },
    };
    let page = form_page(state, caller, lang, id, (form, errors)).await;
    answer(page, status_of(&error), caller, lang)
}
