//! `/api/v1/payments`: money received (回款) against approved contracts.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::ServiceError;
use kuijing_service::contracts::{
    Payment, PaymentDetail, PaymentInput, PaymentListQuery, SubmitInput, VoidInput,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::all_fields::{AllFields, first_per_field};
use super::contracts::TotalledPage;
use super::edits::{Edit, stale};
use super::{
    Body, BodyOrDefault, respond, respond_created_in, respond_done, respond_in, sorted_page_of,
};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// Invalid fields are named as a payment's form names them.
const KIND: &str = "payment";

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentParams {
    /// Text found in the number, the contract's number or the customer's name.
    pub q: Option<String>,
    /// `draft`, `in_approval`, `approved`, `rejected`, `withdrawn`, or `all`.
    pub status: Option<String>,
    pub contract_id: Option<i64>,
    /// Only payments of this customer's contracts.
    pub customer_id: Option<i64>,
    /// `mine` for the caller's own; everything in scope when left out.
    pub view: Option<String>,
    /// With `to`: only records of these days (both included; created,
    /// approved or received, as the dashboard's figure counts them).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only records of these owners, comma-separated ids.
    pub owner_ids: Option<String>,
    /// Only records in this currency (ISO code, `USD`), as a dashboard
    /// figure in it sums them.
    pub currency: Option<String>,
    /// Conditions on payment custom fields as JSON, as the record lists
    /// take them: `[{"field":"custom.channel","op":"equals","value":"Wire"}]`.
    pub filter: Option<String>,
    /// Any column the list shows (`number`, `contract_id`, `customer_id`,
    /// `received_on`, `amount`, `method_id`, `status`, `owner_id`, ...) or a
    /// custom field (`custom.<key>`); `-` first for descending
    /// (`-received_on`). A choice sorts by the name it
    /// shows. Ties break on the id and empty values come last. Newest first
    /// when left out.
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/payments", tag = "payments", params(PaymentParams),
    responses((status = 200, body = TotalledPage<Payment>), (status = 422, body = Problem)))]
pub async fn list_payments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<PaymentParams>,
) -> Response {
    let page = match sorted_page_of(
        p.cursor.as_deref(),
        p.sort.as_deref(),
        p.limit,
        lang,
        &caller.request_id,
    ) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    let filters = match super::customers::filters_of(p.filter.as_deref()) {
        Ok(filters) => filters,
        Err(error) => return respond::<()>(Err(error), &caller, lang),
    };
    let query = PaymentListQuery {
        filters,
        search: p.q,
        status: p.status,
        contract_id: p.contract_id,
        customer_id: p.customer_id,
        view: p.view,
        drill: kuijing_service::dashboard::Drill {
            currency: p.currency.clone(),
            ..super::dashboard::drill_of(p.from, p.to, p.owner_ids.as_deref())
        },
    };
    let result = state
        .app
        .list_payments_sorted(&caller, &query, p.sort.as_deref(), page)
        .await;
    respond(result.map(TotalledPage::new), &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/payments", tag = "payments", request_body = PaymentInput,
    description = "A payment starts as a draft, against an approved contract. One above what the contract still has outstanding is refused (`exceeds_outstanding` on `amount`), and one above what its instalment still has outstanding likewise (`exceeds_instalment`), unless `confirm_exceeding` is true; what an instalment receives beyond its amount is carried to the next instalments in order. What is outstanding counts the contract's payments not yet approved (drafts and those in approval): the `exceeds_outstanding` error names each of them in its `message` (number, amount, status, in the caller's language) and lists them under its `pending` (`id`, `number`, `amount` in minor units, `amount_text`, `currency`, `status`, `status_name`); `exceeds_instalment` likewise names and lists the payments not yet approved against that instalment.",
    responses((status = 201, body = PaymentDetail), (status = 422, body = Problem)))]
pub async fn create_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    AllFields(body): AllFields<PaymentInput>,
) -> Response {
    let result = first_per_field(state.app.create_payment(&caller, body).await);
    respond_created_in(KIND, result, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments",
    responses((status = 200, body = PaymentDetail), (status = 404, body = Problem)))]
pub async fn get_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_payment(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/payments/{id}", tag = "payments", request_body = PaymentInput,
    description = "Changes a draft. Fields left out keep their stored values; `null` clears one. `confirm_exceeding` is asked of each save; an `exceeds_outstanding` refusal names and lists (`pending`) the payments not yet approved it counted, as on create. `version` is the version read; a save on a newer one answers 409 (`stale`) with the stored record as `current` and, as `changes`, each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent); nothing is saved. Without `version` the save goes over whatever is stored.",
    responses((status = 200, body = PaymentDetail), (status = 404, body = Problem), (status = 409, description = "Saved by someone else meanwhile (`stale`), or no longer a draft (`payment_not_editable`)", body = Problem), (status = 422, body = Problem)))]
pub async fn update_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let sent = edit.clone();
    let body: PaymentInput = match edit
        .fields(&state, &caller, lang, (Kind::Payment, id))
        .await
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    match first_per_field(state.app.update_payment(&caller, id, body).await) {
        Err(error @ ServiceError::Changed { .. }) => {
            stale(&state, &caller, lang, (Kind::Payment, id), &sent, error).await
        }
        result => respond_in(KIND, result, &caller, lang),
    }
}

#[utoipa::path(delete, path = "/api/v1/payments/{id}", tag = "payments",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Submitted (`payment_not_deletable`)", body = Problem)))]
pub async fn delete_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_payment(&caller, id).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/payments/{id}/submit", tag = "payments", request_body = SubmitInput,
    description = "Puts the payment into the payment approval flow; with no active flow it is approved at once. What the contract has outstanding is checked again, counting its other payments in approval: past it, unless confirmed before (`confirm_exceeding`), the payment is refused with `exceeds_outstanding` on `amount`, naming those payments in the `message` and listing them under `pending`. `exceeds_instalment` names and lists the instalment's payments in approval the same way. An approved payment counts in its contract's `received` (a contract paid past its amount shows the excess as `overpaid`) and in its instalment's status.",
    responses((status = 200, body = PaymentDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn submit_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    BodyOrDefault(body): BodyOrDefault<SubmitInput>,
) -> Response {
    respond(
        state.app.submit_payment(&caller, id, &body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/payments/{id}/void", tag = "payments", request_body = VoidInput,
    description = "Voids an approved payment, with a reason (for those with `payment.approve` or `approval.manage`): it no longer counts toward its contract and instalments, and the change log keeps who voided it and why. A contract whose payments are all voided may then be voided.",
    responses((status = 200, body = PaymentDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "Not approved (`payment_not_approved`)", body = Problem), (status = 422, body = Problem)))]
pub async fn void_payment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<VoidInput>,
) -> Response {
    respond(
        state.app.void_payment(&caller, id, &body).await,
        &caller,
        lang,
    )
}
