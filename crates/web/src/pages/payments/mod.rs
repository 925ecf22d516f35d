//! Payment pages: the list with its totals, the record page with the
//! approval panel, the actions on a payment, and the payment form
//! (`form`).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, Kind};
use kuijing_service::attachments::Attachment;
use kuijing_service::choices::Choice;
use kuijing_service::contracts::{CurrencyTotal, PaymentDetail, PaymentListQuery};
use kuijing_service::saved_views::SavedView;
use kuijing_service::{Caller, ListPage, ServiceError};

use super::approvals::Panel;
use super::columns::{Picker, Table};
use super::contract_lists;
use super::contracts::{DoneQuery, ListQuery, STATUSES, SubmitForm, VoidForm, can, method_choices};
use super::forms::{
    FormErrors, ImportBox, after_post, answer, done, error_page, optional_number, optional_text,
};
use super::{Shell, list_notes};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use crate::imports::ImportKind;

mod form;

pub use form::{create_payment, edit_payment, new_payment, update_payment};

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
    super::drill::checked(&query.from, &query.to, lang)?;
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

    /// Whether the contract is a link: an approver outside its scope sees
    /// its number as text (it would answer 404).
    fn contract_open(&self) -> bool {
        self.detail
            .against
            .as_ref()
            .is_some_and(|a| a.contract_visible)
    }

    fn customer_open(&self) -> bool {
        self.detail
            .against
            .as_ref()
            .is_some_and(|a| a.customer_visible)
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
    let mut detail = state.app.get_payment(caller, id).await?;
    // A payment's method is its payment method, as its form calls it (a
    // follow-up's method is another field of the same name).
    let method = lang.t("fields.payment_method_id");
    for entry in &mut detail.change_log {
        if entry.fields.iter().any(|f| f.field == "method_id") {
            entry.labels.insert("method_id".into(), method.clone());
        }
    }
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
