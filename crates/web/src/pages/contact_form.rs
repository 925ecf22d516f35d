//! The contact form: a new contact (of a customer the user may change), and
//! the edit of one with the version read, so a save on a newer version
//! keeps what was typed and says so.

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
use super::conflict::{self, Conflict, Names, Take, Values};
use super::customers::Choices;
use super::forms::CustomValues;
use super::forms::{
    FormErrors, answer, done, error_page, optional_number, optional_text, status_of,
};
use super::records::people;
use super::stale_form::Stale;
use crate::AppState;
use crate::auth::PageUser;
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
    /// The customers found for what was typed in the customer field, to
    /// choose one from (the picker without a script).
    found: Option<Vec<(i64, String, Option<String>)>>,
    /// How many more customers match than the search offers.
    more_picks: u64,
    errors: FormErrors,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<Conflict>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    customer_id: String,
    /// The text the chosen customer answers: its name, or what was searched
    /// for when the customer was picked from the results. Typing something
    /// else in the customer field asks for a new search.
    #[serde(default)]
    customer_name: String,
    /// What the customer field holds: the chosen customer's name, or a
    /// name, phone or e-mail to search for.
    #[serde(default)]
    customer_q: String,
    /// Set by the customer field's "Find" button.
    #[serde(default, rename = "_find")]
    find: String,
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
    postcode: String,
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

impl ContactForm {
    fn of(detail: &ContactDetail) -> Self {
        let p = &detail.view.contact;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let tick = |on: bool| on.then(|| "1".to_string());
        Self {
            customer_id: p.customer_id.to_string(),
            customer_name: p.customer_name.clone(),
            customer_q: p.customer_name.clone(),
            find: String::new(),
            name: p.name.clone(),
            mobile: text(&p.mobile),
            phone: text(&p.phone),
            email: text(&p.email),
            post: text(&p.post),
            decision_maker: tick(p.decision_maker),
            is_primary: tick(p.is_primary),
            address: text(&p.address),
            postcode: text(&p.postcode),
            notes: text(&p.notes),
            owner_id: p.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            version: p.version.to_string(),
            read: String::new(),
            custom: CustomValues::of(&p.custom),
        }
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[kuijing_domain::fields::FieldDef]) -> Values {
        let tick = |on: &Option<String>| if on.is_some() { "1" } else { "" }.to_string();
        let mut values: Values = [
            ("name", self.name.clone()),
            ("customer_id", self.customer_id.trim().to_string()),
            ("mobile", self.mobile.clone()),
            ("phone", self.phone.clone()),
            ("email", self.email.clone()),
            ("post", self.post.clone()),
            ("is_primary", tick(&self.is_primary)),
            ("decision_maker", tick(&self.decision_maker)),
            ("postcode", self.postcode.clone()),
            ("address", self.address.clone()),
            ("notes", self.notes.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// Whether the post asks for customers rather than a save: "Find"
    /// pressed, or the customer field changed since a customer was chosen.
    fn finding(&self) -> bool {
        !self.find.is_empty() || self.customer_q.trim() != self.customer_name.trim()
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
            postcode: optional_text(&self.postcode),
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

impl Stale for ContactForm {
    fn version_and_read(&mut self) -> (&mut String, &mut String) {
        (&mut self.version, &mut self.read)
    }
}

impl Take for ContactForm {
    fn take(&mut self, key: &str, value: &str) {
        let tick = (!value.trim().is_empty()).then(|| "1".to_string());
        let field = match key {
            "name" => &mut self.name,
            "customer_id" => &mut self.customer_id,
            "mobile" => &mut self.mobile,
            "phone" => &mut self.phone,
            "email" => &mut self.email,
            "post" => &mut self.post,
            "address" => &mut self.address,
            "postcode" => &mut self.postcode,
            "notes" => &mut self.notes,
            "is_primary" => {
                self.is_primary = tick;
                return;
            }
            "decision_maker" => {
                self.decision_maker = tick;
                return;
            }
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
    (mut form, errors): (ContactForm, FormErrors),
    conflict: Option<Conflict>,
) -> Result<ContactFormPage, ServiceError> {
    let title = if id.is_some() {
        "records.contact_edit"
    } else {
        "records.contact_new"
    };
    // A customer given by id alone (from the customer's page) is named.
    if form.customer_q.is_empty()
        && let Some(chosen) = optional_number(&form.customer_id)
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        form.customer_name = found.view.customer.name.clone();
        form.customer_q = found.view.customer.name;
    }
    let choices = Choices::load_for(state, caller, Kind::Contact).await?;
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&choices.fields));
    }
    Ok(ContactFormPage {
        shell: Shell::new(state, caller, lang, "/contacts", title),
        id,
        found: None,
        more_picks: 0,
        form,
        choices,
        people: if id.is_none() {
            people(state, caller, Kind::Contact).await
        } else {
            Vec::new()
        },
        errors,
        conflict,
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
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Contact)
                .await
                .unwrap_or_default(),
        ),
        ..ContactForm::default()
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

pub async fn create_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ContactForm>,
) -> Response {
    if form.finding() {
        return finding(&state, &caller, lang, None, form).await;
    }
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
        None,
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
    if form.finding() {
        return finding(&state, &caller, lang, Some(id), form).await;
    }
    match state
        .app
        .update_contact(&caller, id, form.input(true))
        .await
    {
        Ok(_) => done(&format!("/contacts/{id}"), "saved"),
        Err(error) => refused(&state, &caller, lang, Some(id), (form, error)).await,
    }
}

/// The form again with the customers that match what the customer field
/// holds, to choose one, and everything else as typed. Nothing is saved.
async fn finding(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    mut form: ContactForm,
) -> Response {
    let (mut found, more) = match state
        .app
        .customer_picks(caller, &form.customer_q, PICKS)
        .await
    {
        Ok(found) => found,
        Err(error) => return error_page(error, caller, lang),
    };
    // The customer chosen before stays offered.
    if let Some(chosen) = optional_number(&form.customer_id)
        && !found.iter().any(|(c, _, _)| *c == chosen)
        && let Ok(detail) = state.app.get_customer(caller, chosen).await
    {
        let c = detail.view.customer;
        found.insert(0, (c.id, c.name, c.phone));
    }
    // The choice now answers what was typed: saving takes it as it is.
    form.customer_name = form.customer_q.clone();
    form.find = String::new();
    let page = form_page(state, caller, lang, id, (form, FormErrors::default()), None)
        .await
        .map(|mut page| {
            page.found = Some(found);
            page.more_picks = more;
            page
        });
    answer(page, StatusCode::OK, caller, lang)
}

/// How many customers a search in the customer field offers.
const PICKS: u64 = 20;

/// The form again with what was typed and why it was refused. Someone
/// saved meanwhile: the form keeps every entry, takes their version (so
/// saving again is a deliberate overwrite) and shows what they changed.
async fn refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    (form, error): (ContactForm, ServiceError),
) -> Response {
    if let (ServiceError::Changed { .. }, Some(id)) = (&error, id) {
        let stored = match state.app.get_contact(caller, id).await {
            Ok(detail) => ContactForm::of(&detail),
            Err(error) => return error_page(error, caller, lang),
        };
        let defs = match state.app.custom_fields(Kind::Contact).await {
            Ok(defs) => defs,
            Err(error) => return error_page(error, caller, lang),
        };
        let mut names = Names::new("contact", lang, &defs);
        names.tick("is_primary");
        names.tick("decision_maker");
        // The customers are named as the user may see them.
        let mut customers = vec![(stored.customer_id.clone(), stored.customer_name.clone())];
        if let Some(chosen) = optional_number(&form.customer_id)
            && chosen.to_string() != stored.customer_id
            && let Ok(found) = state.app.get_customer(caller, chosen).await
        {
            customers.push((chosen.to_string(), found.view.customer.name));
        }
        names.option("customer_id", customers);
        let theirs = stored.values(&defs);
        let yours = form.values(&defs);
        let mut form = form;
        let reload = format!("/contacts/{id}/edit");
        let shown = form.meet(&stored.version, (&theirs, &yours), &names, reload);
        // A customer taken from their version is shown by its name.
        if form.customer_id.trim() == stored.customer_id {
            form.customer_name = stored.customer_name.clone();
            form.customer_q = stored.customer_name.clone();
        }
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
