//! The customer form: new and edit, with a save made on an older version
//! shown beside the stored one.

use super::*;
use crate::pages::{conflict, forms};

#[derive(Template)]
#[template(path = "customer_form.html")]
struct CustomerFormPage {
    shell: Shell,
    id: Option<i64>,
    owner_name: Option<String>,
    form: CustomerForm,
    choices: Choices,
    people: Vec<UserView>,
    errors: FormErrors,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    industry_id: String,
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    tax_id: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

impl CustomerForm {
    fn of(detail: &CustomerDetail) -> Self {
        let c = &detail.view.customer;
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            name: c.name.clone(),
            level_id: id(c.level_id),
            industry_id: id(c.industry_id),
            source_id: id(c.source_id),
            phone: text(&c.phone),
            mobile: text(&c.mobile),
            email: text(&c.email),
            website: text(&c.website),
            address: text(&c.address),
            postcode: text(&c.postcode),
            province: text(&c.province),
            city: text(&c.city),
            district: text(&c.district),
            tax_id: text(&c.tax_id),
            notes: text(&c.notes),
            owner_id: id(c.owner_id),
            version: c.version.to_string(),
            read: String::new(),
            custom: CustomValues::of(&c.custom),
        }
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[kuijing_domain::fields::FieldDef]) -> conflict::Values {
        let mut values: conflict::Values = [
            ("name", &self.name),
            ("level_id", &self.level_id),
            ("industry_id", &self.industry_id),
            ("source_id", &self.source_id),
            ("phone", &self.phone),
            ("mobile", &self.mobile),
            ("email", &self.email),
            ("website", &self.website),
            ("postcode", &self.postcode),
            ("province", &self.province),
            ("city", &self.city),
            ("district", &self.district),
            ("address", &self.address),
            ("tax_id", &self.tax_id),
            ("notes", &self.notes),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }

    /// The typed value of a custom field.
    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The region's fields as typed, in order.
    fn region(&self) -> [(&'static str, &str); 3] {
        [
            ("province", &self.province),
            ("city", &self.city),
            ("district", &self.district),
        ]
    }

    fn input(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            level_id: optional_number(&self.level_id),
            industry_id: optional_number(&self.industry_id),
            source_id: optional_number(&self.source_id),
            phone: optional_text(&self.phone),
            mobile: optional_text(&self.mobile),
            email: optional_text(&self.email),
            website: optional_text(&self.website),
            address: optional_text(&self.address),
            postcode: optional_text(&self.postcode),
            province: optional_text(&self.province),
            city: optional_text(&self.city),
            district: optional_text(&self.district),
            tax_id: optional_text(&self.tax_id),
            notes: optional_text(&self.notes),
            owner_id: optional_number(&self.owner_id),
            custom: self.custom.input(),
            ..CustomerInput::default()
        }
    }

    /// Every field of the form; the owner changes by transfer, and custom
    /// fields and the next contact are kept as stored.
    fn patch(&self) -> CustomerPatch {
        let input = self.input();
        CustomerPatch {
            // A version that is not a number matches none, so the save is
            // refused as stale rather than silently overwriting.
            version: Some(self.version.trim().parse().unwrap_or(-1)),
            name: Some(input.name),
            level_id: Some(input.level_id),
            industry_id: Some(input.industry_id),
            source_id: Some(input.source_id),
            phone: Some(input.phone),
            mobile: Some(input.mobile),
            email: Some(input.email),
            website: Some(input.website),
            address: Some(input.address),
            postcode: Some(input.postcode),
            province: Some(input.province),
            city: Some(input.city),
            district: Some(input.district),
            tax_id: Some(input.tax_id),
            notes: Some(input.notes),
            custom: Some(self.custom.patch()),
            next_contact_at: None,
        }
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
}

impl conflict::Take for CustomerForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "name" => &mut self.name,
            "level_id" => &mut self.level_id,
            "industry_id" => &mut self.industry_id,
            "source_id" => &mut self.source_id,
            "phone" => &mut self.phone,
            "mobile" => &mut self.mobile,
            "email" => &mut self.email,
            "website" => &mut self.website,
            "postcode" => &mut self.postcode,
            "province" => &mut self.province,
            "city" => &mut self.city,
            "district" => &mut self.district,
            "address" => &mut self.address,
            "tax_id" => &mut self.tax_id,
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
    owner_name: Option<String>,
    mut form: CustomerForm,
    (errors, conflict): (FormErrors, Option<conflict::Conflict>),
) -> Result<CustomerFormPage, ServiceError> {
    let title = if id.is_some() {
        "customers.edit"
    } else {
        "customers.new"
    };
    let choices = Choices::load(state, caller).await?;
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&choices.fields));
    }
    Ok(CustomerFormPage {
        shell: Shell::new(state, caller, lang, "/customers", title),
        id,
        owner_name,
        form,
        choices,
        people: if id.is_none() {
            people(state, caller, Kind::Customer).await
        } else {
            Vec::new()
        },
        errors,
        conflict,
    })
}

fn answer_form(
    result: Result<CustomerFormPage, ServiceError>,
    status: StatusCode,
    caller: &Caller,
    lang: Lang,
) -> Response {
    match result {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

pub async fn new_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !caller.can(customer(Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = CustomerForm {
        owner_id: caller.user.id.to_string(),
        custom: forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Customer)
                .await
                .unwrap_or_default(),
        ),
        ..CustomerForm::default()
    };
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            None,
            None,
            form,
            (FormErrors::default(), None),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<CustomerForm>,
) -> Response {
    match state.app.create_customer(&caller, form.input()).await {
        Ok(detail) => done(
            &format!("/customers/{}", detail.view.customer.id),
            "created",
        ),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer_form(
                form_page(&state, &caller, lang, None, None, form, (errors, None)).await,
                status_of(&error),
                &caller,
                lang,
            ),
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn edit_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_customer(&caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, &caller, lang),
    };
    if !detail.can_edit {
        let may_edit = caller.can(customer(Action::Edit));
        // Waiting in a pool the viewer belongs to: theirs to claim first,
        // from here, or back on the customer's page.
        if may_edit && detail.view.customer.owner_id.is_none() {
            return claim_first(&detail, &caller, lang);
        }
        return error_page(forms::not_writable(may_edit), &caller, lang);
    }
    let form = CustomerForm::of(&detail);
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            Some(id),
            detail.view.owner_name,
            form,
            (FormErrors::default(), None),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

/// The edit page of a customer waiting in the pool: refused (409), with
/// the way back to the customer and, for a user who may claim, the claim
/// that lands back on the customer's page.
fn claim_first(detail: &CustomerDetail, caller: &Caller, lang: Lang) -> Response {
    use crate::error::{PageAction, PageError};
    let customer = &detail.view.customer;
    let page = format!("/customers/{}", customer.id);
    let refused = ServiceError::Refused {
        code: "pool_claim_first",
    };
    let mut shown = PageError::from_service(refused, lang, &caller.request_id)
        .with_link(&page, lang.t("life_fix15.back_to_customer"));
    let may_claim = caller.can(Permission::new(Kind::Pool, Action::Claim));
    if let Some(pool) = customer.pool_id.filter(|_| may_claim) {
        shown = shown.with_action(PageAction {
            path: "/pool/claim".into(),
            words: lang.t("pool.claim"),
            fields: vec![
                ("_csrf".into(), caller.session.csrf_token.clone()),
                ("pool_id".into(), pool.to_string()),
                ("ids".into(), customer.id.to_string()),
                ("back".into(), page.clone()),
            ],
        });
    }
    shown.into_response()
}

pub async fn update_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<CustomerForm>,
) -> Response {
    let error = match state.app.update_customer(&caller, id, form.patch()).await {
        Ok(_) => return done(&format!("/customers/{id}"), "saved"),
        Err(error) => error,
    };
    // Someone saved meanwhile: keep every entry, take their version so
    // that saving again is a deliberate overwrite, and show what they
    // changed.
    if let ServiceError::Changed { .. } = &error {
        let detail = match state.app.get_customer(&caller, id).await {
            Ok(detail) => detail,
            Err(error) => return error_page(error, &caller, lang),
        };
        let defs = match state.app.custom_fields(Kind::Customer).await {
            Ok(defs) => defs,
            Err(error) => return error_page(error, &caller, lang),
        };
        let stored = CustomerForm::of(&detail);
        let mut names = conflict::Names::new("customer", lang, &defs);
        conflict::customer_option_names(&state, &caller, &mut names).await;
        let theirs = stored.values(&defs);
        let yours = form.values(&defs);
        let shown = conflict::Conflict::new(
            &form.read,
            &theirs,
            &yours,
            &names,
            format!("/customers/{id}/edit"),
        );
        let mut form = form;
        let read = std::mem::take(&mut form.read);
        conflict::Take::take_theirs(&mut form, &read, &theirs, &yours);
        let form = CustomerForm {
            version: stored.version,
            read: conflict::mark(&theirs),
            ..form
        };
        let owner_name = detail.view.owner_name;
        let page = form_page(
            &state,
            &caller,
            lang,
            Some(id),
            owner_name,
            form,
            (FormErrors::default(), Some(shown)),
        )
        .await;
        return answer_form(page, status_of(&error), &caller, lang);
    }
    let errors = match FormErrors::from_service(&error, lang) {
        Some(errors) => errors,
        None => return error_page(error, &caller, lang),
    };
    let owner_name = state
        .app
        .get_customer(&caller, id)
        .await
        .ok()
        .and_then(|d| d.view.owner_name);
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            Some(id),
            owner_name,
            form,
            (errors, None),
        )
        .await,
        status_of(&error),
        &caller,
        lang,
    )
}
