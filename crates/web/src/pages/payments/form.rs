//! The payment form: a new payment (filled with what its contract or
//! instalment still has outstanding), the edit of a draft, and the
//! confirmation asked when an amount goes past what is outstanding, with
//! the contract's payments not yet approved listed beside it.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind, money};
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{ContractDetail, PaymentInput};
use kuijing_service::products::DecimalText;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Plan;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::name_fields_as;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use crate::pages::contract_form::{not_editable, not_editable_now, refused_edit};
use crate::pages::contracts::{can, method_choices};
use crate::pages::forms::{
    CustomValues, FormErrors, after_post, answer, done, error_page, optional_number, optional_text,
    required_date,
};
use crate::pages::{Shell, conflict};
use stale::stale_payment;

mod stale;

#[derive(Debug, Default, Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    contract_id: String,
    #[serde(default)]
    plan_id: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    method_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    confirm_exceeding: String,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

impl crate::pages::stale_form::Stale for PaymentForm {
    fn version_and_read(&mut self) -> (&mut String, &mut String) {
        (&mut self.version, &mut self.read)
    }
}

impl conflict::Take for PaymentForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "number" => &mut self.number,
            "plan_id" => &mut self.plan_id,
            "amount" => &mut self.amount,
            "received_on" => &mut self.received_on,
            "method_id" => &mut self.method_id,
            "notes" => &mut self.notes,
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

impl PaymentForm {
    /// A stored payment, as its edit opens.
    fn of(p: &kuijing_service::contracts::Payment) -> Self {
        Self {
            number: p.number.clone(),
            contract_id: p.contract_id.to_string(),
            plan_id: p.plan_id.map(|v| v.to_string()).unwrap_or_default(),
            received_on: p.received_on.to_string(),
            method_id: p.method_id.map(|v| v.to_string()).unwrap_or_default(),
            amount: money::amount_text_in(p.amount, &p.currency),
            notes: p.notes.clone().unwrap_or_default(),
            confirm_exceeding: String::new(),
            version: p.version.to_string(),
            read: String::new(),
            custom: CustomValues::of(&p.custom),
        }
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[FieldDef]) -> conflict::Values {
        let mut values: conflict::Values = [
            ("number", self.number.clone()),
            ("plan_id", self.plan_id.trim().to_string()),
            ("amount", self.amount.clone()),
            ("received_on", self.received_on.clone()),
            ("method_id", self.method_id.trim().to_string()),
            ("notes", self.notes.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }

    fn input(&self) -> PaymentInput {
        let mut unread = kuijing_domain::FieldErrors::new();
        let received_on = required_date("received_on", &self.received_on, &mut unread);
        PaymentInput {
            number: optional_text(&self.number),
            contract_id: optional_number(&self.contract_id).unwrap_or(-1),
            plan_id: optional_number(&self.plan_id),
            received_on,
            method_id: optional_number(&self.method_id),
            amount: DecimalText::Text(self.amount.clone()),
            notes: optional_text(&self.notes),
            custom: self.custom.input(),
            confirm_exceeding: !self.confirm_exceeding.is_empty(),
            version: optional_number(&self.version),
            unread,
        }
    }
}

#[derive(Template)]
#[template(path = "payment_form.html")]
struct PaymentFormView {
    shell: Shell,
    id: Option<i64>,
    form: PaymentForm,
    errors: FormErrors,
    contract: Option<ContractDetail>,
    methods: Vec<Choice>,
    /// The amount is above what the contract or the instalment still has
    /// outstanding: the form asks to confirm, with this text.
    exceeding: Option<&'static str>,
    /// The contract's other payments not yet approved, and what is open
    /// after them (see [`pending_others`]).
    pending: Vec<kuijing_service::contracts::PendingPayment>,
    open_after_pending: i64,
    /// The custom fields of payments, in their order.
    fields: Vec<FieldDef>,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

impl PaymentFormView {
    fn is(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }

    /// What the contract has outstanding (0 where it expects no payments).
    fn outstanding(&self) -> &i64 {
        self.contract
            .as_ref()
            .and_then(|c| c.row.outstanding.as_ref())
            .unwrap_or(&0)
    }

    /// Why the contract takes no payments yet (it is not approved): the
    /// form is not offered, and shows no amounts outstanding.
    fn no_payments_yet(&self) -> Option<String> {
        let status = self.contract.as_ref()?.row.contract.status;
        (status != kuijing_domain::sales::DocStatus::Approved).then(|| {
            self.shell
                .t(&format!("approvals_fix2.no_payments.{}", status.as_str()))
        })
    }

    fn plans(&self) -> Vec<Plan> {
        self.contract
            .as_ref()
            .map(|c| c.plans.clone())
            .unwrap_or_default()
    }

    /// The contract's currency, in which its instalments are named.
    fn currency(&self) -> String {
        self.contract
            .as_ref()
            .map(|c| c.row.contract.currency.clone())
            .unwrap_or_default()
    }
}

/// The contract's other payments not yet approved (not the one edited),
/// and what it still has outstanding once they come in.
fn pending_others(
    contract: Option<&ContractDetail>,
    id: Option<i64>,
) -> (Vec<kuijing_service::contracts::PendingPayment>, i64) {
    let Some(contract) = contract else {
        return (Vec::new(), 0);
    };
    let others: Vec<_> = contract
        .pending_payments
        .iter()
        .filter(|p| Some(p.id) != id)
        .cloned()
        .collect();
    let pending: i64 = others.iter().map(|p| p.amount).sum();
    let open = contract
        .row
        .outstanding
        .unwrap_or_default()
        .saturating_sub(pending)
        .max(0);
    (others, open)
}

/// The confirmation a refused payment asks for: the words of the box to
/// tick when its amount is more than the contract (or the instalment)
/// still has outstanding, found by the error's code.
fn confirmation_asked<T>(result: &Result<T, ServiceError>) -> Option<&'static str> {
    let Err(ServiceError::Invalid(errors)) = result else {
        return None;
    };
    errors
        .0
        .iter()
        .filter(|e| e.field == "amount")
        .find_map(|e| match e.code {
            "exceeds_outstanding" => Some("payments.confirm_exceeding"),
            "exceeds_instalment" => Some("sales_fixes.confirm_past_instalment"),
            _ => None,
        })
}

async fn payment_form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, exceeding): (Option<i64>, Option<&'static str>),
    mut form: PaymentForm,
    errors: FormErrors,
) -> Result<PaymentFormView, ServiceError> {
    let contract = match optional_number(&form.contract_id) {
        Some(contract) => state.app.get_contract(caller, contract).await.ok(),
        None => None,
    };
    let title = if id.is_some() {
        "payments.edit"
    } else {
        "payments.new"
    };
    let (pending, open_after_pending) = pending_others(contract.as_ref(), id);
    let fields = state.app.custom_fields(Kind::Payment).await?;
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&fields));
    }
    Ok(PaymentFormView {
        shell: Shell::new(state, caller, lang, "/payments", title),
        id,
        form,
        errors,
        contract,
        methods: method_choices(state, caller).await?,
        exceeding,
        pending,
        open_after_pending,
        fields,
        conflict: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPaymentQuery {
    #[serde(default)]
    contract_id: String,
    #[serde(default)]
    plan_id: String,
}

pub async fn new_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewPaymentQuery>,
) -> Response {
    if !can(&caller, Kind::Payment, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let mut form = PaymentForm {
        contract_id: query.contract_id.clone(),
        plan_id: query.plan_id.clone(),
        received_on: state.app.today_text(),
        custom: CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Payment)
                .await
                .unwrap_or_default(),
        ),
        ..PaymentForm::default()
    };
    // The amount still outstanding on the instalment, or on the contract,
    // once the payments waiting for approval are in: what can be saved as
    // offered. With nothing left, any amount is past it: the confirmation
    // is asked at once.
    let mut exceeding = None;
    if let Some(contract) = optional_number(&query.contract_id)
        && let Ok(detail) = state.app.get_contract(&caller, contract).await
    {
        let plan = optional_number(&query.plan_id)
            .and_then(|plan| detail.plans.iter().find(|p| p.id == plan));
        let (_, open) = pending_others(Some(&detail), None);
        let due = match plan {
            Some(plan) => (plan.amount - plan.received).max(0).min(open),
            None => open,
        };
        if due > 0 {
            form.amount = money::amount_text_in(due, &detail.row.contract.currency);
        } else if detail.row.outstanding.is_some() && open == 0 {
            exceeding = Some("payments.confirm_exceeding");
        }
        if let Some(plan) = plan {
            form.method_id = plan.method_id.map(|m| m.to_string()).unwrap_or_default();
        }
    }
    answer(
        payment_form_view(
            &state,
            &caller,
            lang,
            (None, exceeding),
            form,
            FormErrors::default(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PaymentForm>,
) -> Response {
    let result = state.app.create_payment(&caller, form.input()).await;
    let result = result.map_err(|error| name_fields_as(error, "payment", lang));
    let exceeding = confirmation_asked(&result);
    after_post(
        result,
        |detail| done(&format!("/payments/{}", detail.payment.id), "created"),
        async |errors| {
            payment_form_view(&state, &caller, lang, (None, exceeding), form, errors).await
        },
        &caller,
        lang,
    )
    .await
}

pub async fn edit_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_payment(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(detail) => return not_editable(detail.payment.status, ("payment", id), &caller, lang),
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = PaymentForm::of(&detail.payment);
    let view = payment_form_view(
        &state,
        &caller,
        lang,
        (Some(id), None),
        form,
        FormErrors::default(),
    )
    .await;
    answer(
        view.map(|mut view| {
            // A payment confirmed past what was outstanding, or past it now
            // that other payments came in: the box is there from the start.
            let past_now =
                view.contract.is_some() && detail.payment.amount > view.open_after_pending;
            if detail.payment.exceeding_confirmed || past_now {
                view.exceeding = Some("payments.confirm_exceeding");
            }
            view
        }),
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<PaymentForm>,
) -> Response {
    let result = match state.app.update_payment(&caller, id, form.input()).await {
        Err(error @ (ServiceError::Changed { .. } | ServiceError::Stale { .. })) => {
            return stale_payment(&state, &caller, lang, (id, form), error).await;
        }
        result => result,
    };
    if not_editable_now(&result)
        && let Err(error) = result
    {
        return refused_edit(error, ("payment", id), &caller, lang);
    }
    let result = result.map_err(|error| name_fields_as(error, "payment", lang));
    let exceeding = confirmation_asked(&result);
    after_post(
        result,
        |_| done(&format!("/payments/{id}"), "saved"),
        async |errors| {
            payment_form_view(&state, &caller, lang, (Some(id), exceeding), form, errors).await
        },
        &caller,
        lang,
    )
    .await
}
