//! The contract form: new, edit, and a save that met a newer version.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind, money};
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{ContractDetail, ContractInput};
use kuijing_service::products::{DecimalText, ProductRecord as Product};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::conflict;
use super::contracts::{can, method_choices};
use super::forms::{
    CustomValues, FormErrors, after_post, answer, currency_choices, done, error_page,
    optional_number, optional_text, status_of, unread_dates,
};
use super::product_lines::{LineRow, ProductLines, on_sale, with_lines};
use super::stale_form::Stale;
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    opportunity_id: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    amount: String,
    /// The currency chosen; blank leaves it to the service (the contract's,
    /// else its opportunity's, else its first product's, else the company's).
    #[serde(default)]
    currency: String,
    #[serde(default)]
    customer_signer_id: String,
    #[serde(default)]
    company_signer_id: String,
    #[serde(default)]
    payment_method_id: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    line_product: Vec<String>,
    #[serde(default)]
    line_quantity: Vec<String>,
    #[serde(default)]
    line_price: Vec<String>,
    #[serde(default)]
    line_discount: Vec<String>,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

/// A date as the payment form reads it (`2026/12/03` and full-width
/// digits too); text that is no date is told by `unread_dates`.
fn date(text: &str) -> Option<chrono::NaiveDate> {
    kuijing_domain::dates::iso_day(text)
}

impl Stale for ContractForm {
    fn version_and_read(&mut self) -> (&mut String, &mut String) {
        (&mut self.version, &mut self.read)
    }
}

impl conflict::Take for ContractForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "number" => &mut self.number,
            "name" => &mut self.name,
            "customer_id" => &mut self.customer_id,
            "opportunity_id" => &mut self.opportunity_id,
            "signed_on" => &mut self.signed_on,
            "starts_on" => &mut self.starts_on,
            "ends_on" => &mut self.ends_on,
            "amount" => &mut self.amount,
            "currency" => &mut self.currency,
            "customer_signer_id" => &mut self.customer_signer_id,
            "company_signer_id" => &mut self.company_signer_id,
            "payment_method_id" => &mut self.payment_method_id,
            "notes" => &mut self.notes,
            "lines" => return self.take_lines(value),
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

crate::product_lines!(ContractForm);

impl ContractForm {
    fn input(&self) -> ContractInput {
        ContractInput {
            number: optional_text(&self.number),
            name: self.name.clone(),
            // None chosen is 0 (required); a choice that reads as no
            // number is -1 (not one of the choices).
            customer_id: if self.customer_id.trim().is_empty() {
                0
            } else {
                optional_number(&self.customer_id).unwrap_or(-1)
            },
            opportunity_id: optional_number(&self.opportunity_id),
            signed_on: date(&self.signed_on),
            starts_on: date(&self.starts_on),
            ends_on: date(&self.ends_on),
            amount: optional_text(&self.amount).map(DecimalText::Text),
            currency: optional_text(&self.currency),
            customer_signer_id: optional_number(&self.customer_signer_id),
            company_signer_id: optional_number(&self.company_signer_id),
            payment_method_id: optional_number(&self.payment_method_id),
            notes: optional_text(&self.notes),
            lines: self.line_inputs(),
            custom: self.custom.input(),
            version: optional_number(&self.version),
            unread: {
                let mut unread = unread_dates(&[
                    ("signed_on", &self.signed_on),
                    ("starts_on", &self.starts_on),
                    ("ends_on", &self.ends_on),
                ]);
                self.unread_lines(&mut unread);
                unread
            },
        }
    }

    fn of(detail: &ContractDetail) -> Self {
        let c = &detail.row.contract;
        let text = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut form = Self {
            number: c.number.clone(),
            name: c.name.clone(),
            customer_id: c.customer_id.to_string(),
            opportunity_id: id(c.opportunity_id),
            signed_on: text(c.signed_on),
            starts_on: text(c.starts_on),
            ends_on: text(c.ends_on),
            amount: if c.amount_by_hand {
                money::amount_text_in(c.amount, &c.currency)
            } else {
                String::new()
            },
            currency: c.currency.clone(),
            customer_signer_id: id(c.customer_signer_id),
            company_signer_id: id(c.company_signer_id),
            payment_method_id: id(c.payment_method_id),
            notes: c.notes.clone().unwrap_or_default(),
            version: c.version.to_string(),
            custom: CustomValues::of(&c.custom),
            ..Self::default()
        };
        form.push_lines(&detail.lines, &c.currency);
        form
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[FieldDef]) -> conflict::Values {
        let lines = self.lines_value();
        let mut values: conflict::Values = [
            ("number", self.number.clone()),
            ("name", self.name.clone()),
            ("customer_id", self.customer_id.trim().to_string()),
            ("opportunity_id", self.opportunity_id.trim().to_string()),
            ("signed_on", self.signed_on.clone()),
            ("starts_on", self.starts_on.clone()),
            ("ends_on", self.ends_on.clone()),
            ("amount", self.amount.clone()),
            ("currency", self.currency.trim().to_string()),
            (
                "customer_signer_id",
                self.customer_signer_id.trim().to_string(),
            ),
            (
                "company_signer_id",
                self.company_signer_id.trim().to_string(),
            ),
            (
                "payment_method_id",
                self.payment_method_id.trim().to_string(),
            ),
            ("notes", self.notes.clone()),
            ("lines", lines),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }
}

#[derive(Template)]
#[template(path = "contract_form.html")]
struct ContractFormView {
    shell: Shell,
    id: Option<i64>,
    form: ContractForm,
    rows: Vec<LineRow>,
    errors: FormErrors,
    customers: Vec<Choice>,
    contacts: Vec<Choice>,
    people: Vec<Choice>,
    methods: Vec<Choice>,
    products: Vec<Product>,
    /// The currencies offered, the form's among them.
    currencies: Vec<String>,
    /// The custom fields of contracts, in their order.
    fields: Vec<FieldDef>,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

impl ContractFormView {
    fn is(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

async fn contract_form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    mut form: ContractForm,
    errors: FormErrors,
) -> Result<ContractFormView, ServiceError> {
    let mut customers = state.app.customer_choices(caller, 200).await?;
    let chosen = optional_number(&form.customer_id);
    if let Some(chosen) = chosen
        && !customers.iter().any(|(c, _)| *c == chosen)
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.insert(0, (chosen, found.view.customer.name));
    }
    let contacts = match chosen {
        Some(customer) => state
            .app
            .contact_choices(caller, customer)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let title = if id.is_some() {
        "contracts.edit"
    } else {
        "contracts.new"
    };
    let fields = state.app.custom_fields(Kind::Contract).await?;
    // A new one is in the company currency unless another is chosen (one
    // opened from an opportunity starts in the opportunity's).
    if form.currency.trim().is_empty() {
        form.currency = state.app.currency();
    }
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&fields));
    }
    Ok(ContractFormView {
        shell: Shell::new(state, caller, lang, "/contracts", title),
        id,
        fields,
        rows: form.line_rows(),
        currencies: currency_choices(&form.currency),
        form,
        errors,
        customers,
        contacts,
        people: state.app.user_choices(caller).await?,
        methods: method_choices(state, caller).await?,
        products: on_sale(state, caller).await,
        conflict: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewContractQuery {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    opportunity_id: String,
}

pub async fn new_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewContractQuery>,
) -> Response {
    if !can(&caller, Kind::Contract, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let mut form = ContractForm {
        customer_id: query.customer_id.clone(),
        opportunity_id: query.opportunity_id.clone(),
        signed_on: state.app.today_text(),
        company_signer_id: caller.user.id.to_string(),
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Contract)
                .await
                .unwrap_or_default(),
        ),
        ..ContractForm::default()
    };
    // From an opportunity: its name, customer, currency and product lines.
    if let Some(opportunity) = optional_number(&query.opportunity_id)
        && let Ok(detail) = state.app.get_opportunity(&caller, opportunity).await
    {
        let o = &detail.row.opportunity;
        form.name = o.name.clone();
        form.customer_id = o.customer_id.to_string();
        form.currency = o.currency.clone();
        if o.amount_by_hand || detail.lines.is_empty() {
            form.amount = money::amount_text_in(o.amount, &o.currency);
        }
        form.push_lines(&detail.lines, &o.currency);
    }
    answer(
        contract_form_view(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ContractForm>,
) -> Response {
    let result = state.app.create_contract(&caller, form.input()).await;
    after_post(
        result,
        |detail| done(&format!("/contracts/{}", detail.row.contract.id), "created"),
        async |errors| contract_form_view(&state, &caller, lang, None, form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The page of a document the caller may not edit: why, when its status is
/// the reason (in approval, approved, void), else that they may not.
pub(super) fn not_editable(
    status: kuijing_domain::sales::DocStatus,
    (kind, id): (&str, i64),
    caller: &Caller,
    lang: Lang,
) -> Response {
    let error = match (status.editable(), kind) {
        (true, _) => ServiceError::Forbidden,
        (false, "contract") => ServiceError::Refused {
            code: "contract_not_editable",
        },
        (false, _) => ServiceError::Refused {
            code: "payment_not_editable",
        },
    };
    refused_edit(error, (kind, id), caller, lang)
}

/// The page of an edit refused because of the record's state: with the
/// way to the record itself and to its list, beside the start.
pub(super) fn refused_edit(
    error: ServiceError,
    (kind, id): (&str, i64),
    caller: &Caller,
    lang: Lang,
) -> Response {
    let list = if kind == "contract" {
        "/contracts"
    } else {
        "/payments"
    };
    let page = crate::error::PageError::from_service(error, lang, &caller.request_id)
        .with_link(
            &format!("{list}/{id}"),
            lang.t(&format!("flow_fix.open_{kind}")),
        )
        .with_link(list, lang.t(&format!("flow_fix.{kind}_list")));
    axum::response::IntoResponse::into_response(page)
}

/// Whether a save was refused because the record cannot be edited in its
/// state (approved, in approval, void).
pub(super) fn not_editable_now(result: &Result<impl Sized, ServiceError>) -> bool {
    matches!(
        result,
        Err(ServiceError::Refused {
            code: "contract_not_editable" | "payment_not_editable"
        })
    )
}

pub async fn edit_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_contract(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(detail) => {
            let status = detail.row.contract.status;
            return not_editable(status, ("contract", id), &caller, lang);
        }
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = ContractForm::of(&detail);
    answer(
        contract_form_view(&state, &caller, lang, Some(id), form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_contract(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<ContractForm>,
) -> Response {
    let result = match state.app.update_contract(&caller, id, form.input()).await {
        Err(error @ ServiceError::Changed { .. }) => {
            return stale_contract(&state, &caller, lang, (id, form), error).await;
        }
        result => result,
    };
    if not_editable_now(&result)
        && let Err(error) = result
    {
        return refused_edit(error, ("contract", id), &caller, lang);
    }
    after_post(
        result,
        |_| done(&format!("/contracts/{id}"), "saved"),
        async |errors| contract_form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The form again after a save met a newer version: every entry kept,
/// their version taken (so saving again is a deliberate overwrite), and
/// what they changed shown beside what was typed.
async fn stale_contract(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, form): (i64, ContractForm),
    error: ServiceError,
) -> Response {
    let detail = match state.app.get_contract(caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, caller, lang),
    };
    let defs = match state.app.custom_fields(Kind::Contract).await {
        Ok(defs) => defs,
        Err(error) => return error_page(error, caller, lang),
    };
    let stored = ContractForm::of(&detail);
    let c = &detail.row.contract;
    let mut names = conflict::Names::new("contract", lang, &defs);
    // The customer, opportunity and signers of both versions, as the
    // user may see them.
    let stored_customer = (c.customer_id, c.customer_name.as_str());
    conflict::name_customer(
        (state, caller),
        &mut names,
        stored_customer,
        &form.customer_id,
    )
    .await;
    for opportunity in [&stored.opportunity_id, &form.opportunity_id] {
        if let Some(chosen) = optional_number(opportunity)
            && let Ok(found) = state.app.get_opportunity(caller, chosen).await
        {
            names.option(
                "opportunity_id",
                [(chosen.to_string(), found.row.opportunity.name)],
            );
        }
    }
    for customer in [&stored.customer_id, &form.customer_id] {
        if let Some(customer) = optional_number(customer) {
            let contacts = state
                .app
                .contact_choices(caller, customer)
                .await
                .unwrap_or_default();
            names.option(
                "customer_signer_id",
                contacts
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            );
        }
    }
    if let (Some(signer), Some(name)) = (c.customer_signer_id, &detail.customer_signer_name) {
        names.option("customer_signer_id", [(signer.to_string(), name.clone())]);
    }
    let people = state.app.user_choices(caller).await.unwrap_or_default();
    names.option(
        "company_signer_id",
        people.into_iter().map(|(id, name)| (id.to_string(), name)),
    );
    if let (Some(signer), Some(name)) = (c.company_signer_id, &detail.company_signer_name) {
        names.option("company_signer_id", [(signer.to_string(), name.clone())]);
    }
    let methods = method_choices(state, caller).await.unwrap_or_default();
    names.option(
        "payment_method_id",
        methods.into_iter().map(|(id, name)| (id.to_string(), name)),
    );
    let theirs = stored.values(&defs);
    let yours = form.values(&defs);
    let shown = with_lines(
        (state, caller),
        &mut names,
        (&form.read, &theirs, &yours),
        &detail.lines,
        format!("/contracts/{id}/edit"),
    )
    .await;
    let mut form = form;
    form.take_newer(&stored.version, &theirs, &yours);
    let page = contract_form_view(state, caller, lang, Some(id), form, FormErrors::default())
        .await
        .map(|mut page| {
            page.conflict = Some(shown);
            page
        });
    answer(page, status_of(&error), caller, lang)
}
