//! Payment pages: the list with its totals, the record page with the
//! approval panel, the actions on a payment, and the payment form.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind, money};
use kuijing_service::attachments::Attachment;
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{
    ContractDetail, CurrencyTotal, PaymentDetail, PaymentInput, PaymentListQuery,
};
use kuijing_service::products::DecimalText;
use kuijing_service::saved_views::SavedView;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::approvals::Panel;
use super::columns::{Picker, Table};
use super::contract_form::{not_editable, not_editable_now, refused_edit};
use super::contract_lists;
use super::contracts::{DoneQuery, ListQuery, STATUSES, SubmitForm, VoidForm, can, method_choices};
use super::forms::{
    CustomValues, FormErrors, ImportBox, after_post, answer, done, error_page, optional_number,
    optional_text, required_date,
};
use super::{Shell, list_notes};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::name_fields_as;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use crate::imports::ImportKind;

pub use kuijing_service::contracts::Payment;
pub use kuijing_service::contracts::PaymentPlan as Plan;

pub use super::contract_lists::export_payments;

#[derive(Template)]
#[template(path = "payments.html")]
pub(super) struct PaymentsView {
    pub(super) shell: Shell,
    list: ListPage<Payment>,
    totals: Vec<CurrencyTotal>,
    query: ListQuery,
    keep: String,
    views: Vec<SavedView>,
    /// The import box, for those who may import.
    import: Option<ImportBox>,
    can_export: bool,
    table: Table,
    picker: Picker,
    /// The payment fields conditions may be put on.
    fields: Vec<super::records::ConditionField>,
    /// A condition refused (a value of the wrong type): why.
    errors: FormErrors,
}

impl PaymentsView {
    fn statuses(&self) -> [&'static str; 6] {
        STATUSES
    }

    /// The conditions as sentences, each with the list's address without it.
    fn chips(&self) -> Vec<super::records::Chip> {
        super::records::chips(
            &self.query.conditions(),
            &self.fields,
            |op| super::records::op_label(&self.shell, op),
            |rest| format!("/payments?{}", self.query.keep_with(rest)),
        )
    }
}

pub async fn list_payments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    let mut retry = query.clone();
    let error = match payments_view(&state, &caller, lang, query, None).await {
        Ok(page) => return answer(Ok(page), StatusCode::OK, &caller, lang),
        Err(error) => error,
    };
    // A condition being added that does not fit its field: the list again
    // without it, saying why.
    let fields = (&mut retry.cond, &mut retry.cv, &mut retry.cvc);
    match super::records::refused_condition(&error, lang, fields) {
        Some(errors) => {
            retry.cvf.clear();
            retry.cvt.clear();
            let page = payments_view(&state, &caller, lang, retry, None)
                .await
                .map(|mut page| {
                    page.errors = errors;
                    page
                });
            answer(page, StatusCode::UNPROCESSABLE_ENTITY, &caller, lang)
        }
        None => error_page(error, &caller, lang),
    }
}

pub(super) async fn payments_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut query: ListQuery,
    import: Option<ImportBox>,
) -> Result<PaymentsView, ServiceError> {
    let view_note = list_notes::check_view(lang, &mut query.view, &list_notes::SALES_VIEWS);
    let mut left_out = None;
    // Kept conditions the list refuses (a field deleted since the view was
    // saved) are left out, once, and named in the note.
    let (service, ((list, totals), note)) = loop {
        let service = PaymentListQuery {
            search: optional_text(&query.q),
            status: optional_text(&query.status),
            view: optional_text(&query.view),
            contract_id: None,
            customer_id: optional_number(&query.customer_id),
            drill: query.drill(),
            filters: super::records::filters_of(query.conditions()),
        };
        let asked = (&mut query.sort, &mut query.cursor);
        let listed = list_notes::listed(lang, asked, true, |sort, page| {
            let service = &service;
            async move {
                state
                    .app
                    .list_payments_sorted(caller, service, sort.as_deref(), page)
                    .await
            }
        })
        .await;
        match listed {
            Err(error) if left_out.is_none() => {
                match list_notes::drop_conditions(lang, &error, &mut query.c) {
                    Some(note) => left_out = Some(note),
                    None => return Err(error),
                }
            }
            listed => break (service, listed?),
        }
    };
    let note = list_notes::joined(left_out, note);
    let mut shell = Shell::new(state, caller, lang, "/payments", "payments.title")
        .with_notice(query.done.as_deref());
    shell.list_note = list_notes::joined(view_note, note);
    let customer = super::drill::customer_note(state, caller, &shell, &query.customer_id).await;
    super::drill::note(&mut shell, &service.drill, customer, "/payments");
    let may_import = super::forms::may_import(caller, Kind::Payment).is_ok();
    let (table, picker) =
        contract_lists::payment_table(state, caller, &shell, &query, &list.items).await?;
    let fields = contract_lists::payment_conditions(state, caller).await?;
    Ok(PaymentsView {
        can_export: can(caller, Kind::Payment, Action::Export),
        table,
        picker,
        fields,
        errors: FormErrors::default(),
        shell,
        keep: query.keep(),
        views: state.app.saved_views(caller, "payment").await?,
        list,
        totals,
        query,
        import: may_import.then(|| import.unwrap_or_else(|| ImportBox::new(ImportKind::Payment))),
    })
}

/// The list with its import box as an upload left it (or opened for one);
/// payments are imported as drafts.
pub(super) async fn list_with_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    shown: ImportBox,
) -> Response {
    answer(
        payments_view(state, caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        caller,
        lang,
    )
}

#[derive(Template)]
#[template(path = "payment.html")]
pub(super) struct PaymentView {
    shell: Shell,
    detail: PaymentDetail,
    pub(super) panel: Option<Panel>,
    errors: FormErrors,
    methods: Vec<Choice>,
    people: Vec<Choice>,
    steps_to_choose: Vec<(usize, String, &'static str)>,
    can_submit: bool,
    can_delete: bool,
    attachments: Vec<Attachment>,
    /// The custom fields of payments, in their order.
    fields: Vec<FieldDef>,
}

impl PaymentView {
    fn method(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.methods.iter().find(|(m, _)| *m == id))
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| "—".into())
    }

    fn back(&self) -> String {
        format!("/payments/{}", self.detail.payment.id)
    }
}

pub(super) async fn payment_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<PaymentView, ServiceError> {
    let detail = state.app.get_payment(caller, id).await?;
    let mut shell =
        Shell::new(state, caller, lang, "/payments", "payments.title").with_notice(done);
    shell.title = detail.payment.number.clone();
    Ok(PaymentView {
        panel: detail.approval.as_ref().map(Panel::of),
        can_submit: detail.can_edit
            && detail.payment.status.submittable()
            && can(caller, Kind::Payment, Action::Submit),
        can_delete: detail.can_delete,
        methods: method_choices(state, caller).await?,
        people: state.app.approver_choices("payment").await?,
        steps_to_choose: state
            .app
            .steps_to_choose("payment", Some(detail.payment.id))
            .await?,
        fields: state.app.custom_fields(Kind::Payment).await?,
        attachments: state
            .app
            .list_attachments(caller, Kind::Payment, detail.payment.id)
            .await?,
        detail,
        errors,
        shell,
    })
}

pub async fn show_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        payment_view(
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

pub async fn submit_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<SubmitForm>,
) -> Response {
    let result = state.app.submit_payment(&caller, id, &form.input()).await;
    on_payment(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/payments/{id}"), "submitted"),
    )
    .await
}

pub async fn void_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<VoidForm>,
) -> Response {
    let input = kuijing_service::contracts::VoidInput {
        reason: form.reason,
    };
    let result = state.app.void_payment(&caller, id, &input).await;
    on_payment(
        &state,
        &caller,
        lang,
        id,
        result,
        (&format!("/payments/{id}"), "saved"),
    )
    .await
}

pub async fn delete_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_payment(&caller, id).await;
    on_payment(&state, &caller, lang, id, result, ("/payments", "deleted")).await
}

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
    #[serde(flatten)]
    custom: CustomValues,
}

impl PaymentForm {
    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
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
    form: PaymentForm,
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
        fields: state.app.custom_fields(Kind::Payment).await?,
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
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Payment)
                .await
                .unwrap_or_default(),
        ),
        ..PaymentForm::default()
    };
    // The amount still outstanding on the instalment, or on the contract.
    if let Some(contract) = optional_number(&query.contract_id)
        && let Ok(detail) = state.app.get_contract(&caller, contract).await
    {
        let plan = optional_number(&query.plan_id)
            .and_then(|plan| detail.plans.iter().find(|p| p.id == plan));
        let due = match plan {
            Some(plan) => (plan.amount - plan.received).max(0),
            None => detail.row.outstanding.unwrap_or_default(),
        };
        if due > 0 {
            form.amount = money::amount_text_in(due, &detail.row.contract.currency);
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
            (None, None),
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
    let p = &detail.payment;
    let form = PaymentForm {
        number: p.number.clone(),
        contract_id: p.contract_id.to_string(),
        plan_id: p.plan_id.map(|v| v.to_string()).unwrap_or_default(),
        received_on: p.received_on.to_string(),
        method_id: p.method_id.map(|v| v.to_string()).unwrap_or_default(),
        amount: money::amount_text_in(p.amount, &p.currency),
        notes: p.notes.clone().unwrap_or_default(),
        confirm_exceeding: String::new(),
        version: p.version.to_string(),
        custom: CustomValues::of(&p.custom),
    };
    answer(
        payment_form_view(
            &state,
            &caller,
            lang,
            (Some(id), None),
            form,
            FormErrors::default(),
        )
        .await,
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
    let result = state.app.update_payment(&caller, id, form.input()).await;
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

/// After an action on the record's page: back to the page it names with a
/// confirmation, or the record's page again with what refused it.
async fn on_payment<T>(
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
        async |errors| payment_view(state, caller, lang, id, errors, None).await,
        caller,
        lang,
    )
    .await
}
