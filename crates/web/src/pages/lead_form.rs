//! The lead form: a new lead, and the edit of one with the version read,
//! so a save on a newer version keeps what was typed and says so.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::leads::{LeadDetail, LeadInput};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::conflict::{self, Conflict, Names, Values};
use super::customers::Choices;
use super::forms::CustomValues;
use super::forms::{
    FormErrors, answer, done, error_page, optional_number, optional_text, status_of,
};
use super::records::people;
use super::stale_form::Stale;
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Id;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "lead_form.html")]
struct LeadFormPage {
    shell: Shell,
    id: Option<i64>,
    form: LeadForm,
    choices: Choices,
    people: Vec<UserView>,
    errors: FormErrors,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<Conflict>,
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
    postcode: String,
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    industry_id: String,
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    /// The `custom.<key>` values the form sent.
    #[serde(flatten)]
    custom: CustomValues,
}

impl LeadForm {
    fn of(detail: &LeadDetail) -> Self {
        let l = &detail.view.lead;
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            name: l.name.clone(),
            contact_name: text(&l.contact_name),
            mobile: text(&l.mobile),
            phone: text(&l.phone),
            email: text(&l.email),
            address: text(&l.address),
            postcode: text(&l.postcode),
            level_id: id(l.level_id),
            industry_id: id(l.industry_id),
            source_id: id(l.source_id),
            notes: text(&l.notes),
            owner_id: id(l.owner_id),
            version: l.version.to_string(),
            read: String::new(),
            custom: CustomValues::of(&l.custom),
        }
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[kuijing_domain::fields::FieldDef]) -> Values {
        let mut values: Values = [
            ("name", &self.name),
            ("contact_name", &self.contact_name),
            ("mobile", &self.mobile),
            ("phone", &self.phone),
            ("email", &self.email),
            ("level_id", &self.level_id),
            ("industry_id", &self.industry_id),
            ("source_id", &self.source_id),
            ("postcode", &self.postcode),
            ("address", &self.address),
            ("notes", &self.notes),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    fn is(&self, field: &str, id: &i64) -> bool {
        let value = match field {
            "level_id" => &self.level_id,
            "industry_id" => &self.industry_id,
            "source_id" => &self.source_id,
            _ => &self.owner_id,
        };
        value == &id.to_string()
    }

    /// Every field as the service reads it; on an edit, the version read (one
    /// that is not a number matches none, so the save is refused as stale).
    fn input(&self, editing: bool) -> LeadInput {
        LeadInput {
            name: self.name.clone(),
            contact_name: optional_text(&self.contact_name),
            mobile: optional_text(&self.mobile),
            phone: optional_text(&self.phone),
            email: optional_text(&self.email),
            address: optional_text(&self.address),
            postcode: optional_text(&self.postcode),
            level_id: optional_number(&self.level_id),
            industry_id: optional_number(&self.industry_id),
            source_id: optional_number(&self.source_id),
            notes: optional_text(&self.notes),
            custom: self.custom.input(),
            next_contact_at: None,
            owner_id: (!editing)
                .then(|| optional_number(&self.owner_id))
                .flatten(),
            version: editing.then(|| self.version.trim().parse().unwrap_or(-1)),
        }
    }
}

impl Stale for LeadForm {
    fn version_and_read(&mut self) -> (&mut String, &mut String) {
        (&mut self.version, &mut self.read)
    }
}

impl conflict::Take for LeadForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "name" => &mut self.name,
            "contact_name" => &mut self.contact_name,
            "mobile" => &mut self.mobile,
            "phone" => &mut self.phone,
            "email" => &mut self.email,
            "level_id" => &mut self.level_id,
            "industry_id" => &mut self.industry_id,
            "source_id" => &mut self.source_id,
            "address" => &mut self.address,
            "postcode" => &mut self.postcode,
            "notes" => &mut self.notes,
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    (mut form, errors): (LeadForm, FormErrors),
    conflict: Option<Conflict>,
) -> Result<LeadFormPage, ServiceError> {
    let title = if id.is_some() {
        "records.lead_edit"
    } else {
        "leads.new"
    };
    let choices = Choices::load_for(state, caller, Kind::Lead).await?;
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&choices.fields));
    }
    Ok(LeadFormPage {
        shell: Shell::new(state, caller, lang, "/leads", title),
        id,
        form,
        choices,
        people: if id.is_none() {
            people(state, caller, Kind::Lead).await
        } else {
            Vec::new()
        },
        errors,
        conflict,
    })
}

pub async fn new_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !caller.can(Permission::new(Kind::Lead, Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = LeadForm {
        owner_id: caller.user.id.to_string(),
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Lead)
                .await
                .unwrap_or_default(),
        ),
        ..LeadForm::default()
    };
    let page = form_page(
        &state,
        &caller,
        lang,
        None,
        (form, FormErrors::default()),
        None,
    )
    .await;
    answer(page, StatusCode::OK, &caller, lang)
}

pub async fn create_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<LeadForm>,
) -> Response {
    match state.app.create_lead(&caller, form.input(false)).await {
        Ok(detail) => done(&format!("/leads/{}", detail.view.lead.id), "created"),
        Err(error) => refused(&state, &caller, lang, None, (form, error)).await,
    }
}

pub async fn edit_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_lead(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(_) => return error_page(ServiceError::Forbidden, &caller, lang),
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = LeadForm::of(&detail);
    let page = form_page(
        &state,
        &caller,
        lang,
        Some(id),
        (form, FormErrors::default()),
        None,
    )
    .await;
    answer(page, StatusCode::OK, &caller, lang)
}

pub async fn update_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<LeadForm>,
) -> Response {
    match state.app.update_lead(&caller, id, form.input(true)).await {
        Ok(_) => done(&format!("/leads/{id}"), "saved"),
        Err(error) => refused(&state, &caller, lang, Some(id), (form, error)).await,
    }
}

/// The form again with what was typed and why it was refused. Someone
/// saved meanwhile: the form keeps every entry, takes their version (so
/// saving again is a deliberate overwrite) and shows what they changed.
async fn refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    (form, error): (LeadForm, ServiceError),
) -> Response {
    if let (ServiceError::Changed { .. }, Some(id)) = (&error, id) {
        let stored = match state.app.get_lead(caller, id).await {
            Ok(detail) => LeadForm::of(&detail),
            Err(error) => return error_page(error, caller, lang),
        };
        let defs = match state.app.custom_fields(Kind::Lead).await {
            Ok(defs) => defs,
            Err(error) => return error_page(error, caller, lang),
        };
        let mut names = Names::new("lead", lang, &defs);
        conflict::customer_option_names(state, caller, &mut names).await;
        let theirs = stored.values(&defs);
        let yours = form.values(&defs);
        let mut form = form;
        let reload = format!("/leads/{id}/edit");
        let shown = form.meet(&stored.version, (&theirs, &yours), &names, reload);
        let errors = FormErrors::default();
        let page = form_page(state, caller, lang, Some(id), (form, errors), Some(shown)).await;
        return answer(page, status_of(&error), caller, lang);
    }
    let errors = match FormErrors::from_service(&error, lang) {
        Some(errors) => errors,
        None => return error_page(error, caller, lang),
    };
    let page = form_page(state, caller, lang, id, (form, errors), None).await;
    answer(page, status_of(&error), caller, lang)
}
