//! Payments (回款): money received against an approved contract. A payment
//! that would take its contract past its amount — counting the payments not
//! yet approved — needs confirmation, checked again on submit; payments are
//! approved through their kind's flow, and approved ones make up what the
//! contract and its instalments received.

use chrono::NaiveDate;
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Action, ChangeAction, FieldErrors, Kind, text};
use kuijing_store::Tx;
use kuijing_store::lists::Filter;
use kuijing_store::payments::{self, PaymentQuery};
use kuijing_store::schema::Payments;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::approvals::ApprovalView;
use crate::changelog::LogView;
use crate::contracts::{CurrencyTotal, name_of, owners_of_view, parse_status, payment};
use crate::error::{Result, ServiceError};
use crate::products::DecimalText;
use crate::{App, Caller, ListPage, PageRequest};

mod against;
mod approval;
mod edits;

pub use against::{InstalmentFigures, PaidAgainst};

pub(crate) use approval::contract_must_be_approved;
use approval::may_void;

pub use kuijing_store::payments::Payment;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub number: Option<String>,
    pub contract_id: i64,
    pub plan_id: Option<i64>,
    pub received_on: NaiveDate,
    pub method_id: Option<i64>,
    pub amount: DecimalText,
    pub notes: Option<String>,
    /// Values of the payment fields (`/api/v1/fields?kind=payment`), by
    /// field key: a field left out takes its default, and a bad value is
    /// refused naming the field (`custom.<key>`).
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    /// Confirms a payment above what the contract still has outstanding.
    #[serde(default)]
    pub confirm_exceeding: bool,
    pub version: Option<i64>,
    /// What a form could not read (a date that does not exist): reported
    /// with every other error of the input, so nothing is saved. Never
    /// part of the API.
    #[serde(skip)]
    pub unread: FieldErrors,
}

/// Why an approved payment is voided.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidInput {
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct PaymentListQuery {
    pub search: Option<String>,
    pub status: Option<String>,
    pub contract_id: Option<i64>,
    /// Payments of this customer's contracts.
    pub customer_id: Option<i64>,
    pub view: Option<String>,
    /// Received on these days, by these owners (a dashboard figure's).
    pub drill: crate::dashboard::Drill,
    /// Conditions on the payment's custom fields (`custom.<key>`), as the
    /// record lists take them.
    pub filters: Vec<crate::list_filters::FilterInput>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentDetail {
    #[serde(flatten)]
    pub payment: Payment,
    pub owner_name: Option<String>,
    pub approval: Option<ApprovalView>,
    pub change_log: Vec<LogView>,
    pub can_edit: bool,
    /// Whether the caller may delete it now (see [`may_delete`]).
    pub can_delete: bool,
    /// Whether the caller may void it now: it is approved, and they may
    /// approve payments or manage approvals (see [`may_void`]).
    pub can_void: bool,
    /// The figures of the contract (and instalment) it is received
    /// against, shown to whoever may open the payment.
    pub against: Option<PaidAgainst>,
}

/// Who deletes a payment not yet approved (a draft, or a rejected or
/// withdrawn one) in their scope: whoever has `payment.delete` (the built-in
/// sales rep has it, for their own drafts).
fn may_delete(caller: &Caller) -> bool {
    caller.can(payment(Action::Delete))
}

/// The store's query of a payment list: its search, status, contract and view.
pub(crate) fn payment_store_query(
    caller: &Caller,
    query: &PaymentListQuery,
) -> Result<PaymentQuery> {
    Ok(PaymentQuery {
        search: query
            .search
            .as_deref()
            .map(text::normalize)
            .filter(|s| !s.is_empty()),
        status: parse_status(query.status.as_deref())?,
        contract: query.contract_id,
        customer: query.customer_id,
        owners: query
            .drill
            .owners(owners_of_view(caller, query.view.as_deref())?),
        received_from: query.drill.days().0,
        received_before: query.drill.days().1,
        currency: query.drill.currency(),
        ..PaymentQuery::default()
    })
}

/// What a payment list filters on: custom fields only (its own fields have
/// parameters of their own).
const PAYMENT_FILTERS: crate::list_filters::ListSpec<Payments> = crate::list_filters::ListSpec {
    kind: "payments",
    fields: &[],
    sortable: &[],
    sort_only: &[],
    shown: &[],
    id: Payments::Id,
    owner: Payments::OwnerId,
    created: Payments::CreatedAt,
};

impl App {
    /// The conditions of a payment list on custom fields as the store's
    /// filters, each refused by its place (`filters.<n>`) when it names no
    /// payment field or does not fit the field's type.
    pub(crate) async fn payment_filters(
        &self,
        tx: &mut Tx,
        filters: &[crate::list_filters::FilterInput],
    ) -> Result<Vec<Filter<Payments>>> {
        if filters.is_empty() {
            return Ok(Vec::new());
        }
        let defs = self.field_defs_in(tx, Kind::Payment).await?;
        let mut errors = FieldErrors::new();
        let mut found = Vec::new();
        for (index, input) in filters.iter().enumerate() {
            match self.filter_of(&PAYMENT_FILTERS, &defs, input) {
                Ok(filter) => found.push(filter),
                Err(code) => errors.push(crate::list_filters::condition_error(
                    &PAYMENT_FILTERS,
                    &defs,
                    (index, input),
                    code,
                )),
            }
        }
        errors.into_result()?;
        Ok(found)
    }

    /// A page of payments, the newest first (see
    /// [`App::list_payments_sorted`] for another order).
    pub async fn list_payments(
        &self,
        caller: &Caller,
        query: &PaymentListQuery,
        page: PageRequest,
    ) -> Result<(ListPage<Payment>, Vec<CurrencyTotal>)> {
        self.list_payments_sorted(caller, query, None, page).await
    }

    pub async fn get_payment(&self, caller: &Caller, id: i64) -> Result<PaymentDetail> {
        caller.require(payment(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let found = payments::get(&mut tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let writable = payments::writable(&mut tx, scope, id).await? && found.status.editable();
        let can_edit = caller.can(payment(Action::Edit)) && writable;
        let can_delete = writable && may_delete(caller);
        let found_approved = found.status == DocStatus::Approved;
        let approval = self
            .approval_view(&mut tx, caller, Kind::Payment.as_str(), id)
            .await?;
        let change_log = self
            .change_log_in(&mut tx, caller, (Kind::Payment, id), &found.currency)
            .await?;
        let owner = found.owner_id.into_iter().collect::<Vec<_>>();
        let names = kuijing_store::users::names(&mut tx, &owner).await?;
        let against = self.paid_against(&mut tx, caller, &found).await?;
        Ok(PaymentDetail {
            against,
            owner_name: name_of(&names, found.owner_id),
            payment: found,
            approval,
            change_log,
            can_edit,
            can_delete,
            can_void: found_approved && may_void(caller),
        })
    }

    pub async fn create_payment(
        &self,
        caller: &Caller,
        input: PaymentInput,
    ) -> Result<PaymentDetail> {
        caller.require(payment(Action::Create))?;
        let mut tx = self.db.write().await?;
        let id = self.insert_payment(&mut tx, caller, &input, None).await?;
        tx.commit().await?;
        self.get_payment(caller, id).await
    }

    /// Saves a new payment as a draft. It belongs to `owner` when given (an
    /// import's owner column), else to its contract's owner, so that whoever
    /// sees the contract's money sees it, whoever recorded it; someone who
    /// records a payment they could not change then (a member of the
    /// contract's team) joins its team, able to change and submit it.
    pub(crate) async fn insert_payment(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &PaymentInput,
        owner: Option<i64>,
    ) -> Result<i64> {
        let (fields, number, contract) = self.check_payment(tx, caller, input, None).await?;
        let number = match number {
            Some(number) => number,
            None => crate::numbering::next_free(tx, Kind::Payment, fields.received_on).await?,
        };
        let now = self.now();
        let owner = owner.or(contract.owner_id).unwrap_or(caller.user.id);
        let id = payments::insert(
            tx,
            &fields,
            (&number, &contract.customer_name),
            owner,
            (caller.user.id, now),
        )
        .await
        .map_err(|e| crate::error::unique_to_field(e, "payments_number", "number", "taken"))?;
        if owner != caller.user.id {
            let visibility = self.visibility_of(tx, caller, Kind::Payment).await?;
            let scope = (&visibility, caller.user.id, self.today());
            if !payments::writable(tx, scope, id).await? {
                kuijing_store::teams::put(tx, Kind::Payment, id, caller.user.id, true, None)
                    .await?;
            }
        }
        self.log_named(
            tx,
            caller,
            (Kind::Payment, id),
            ChangeAction::Create,
            ("number", &number),
        )
        .await?;
        Ok(id)
    }

    pub async fn delete_payment(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(payment(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_payment(&mut tx, caller, id).await?;
        if !current.status.editable() {
            return Err(ServiceError::Refused {
                code: "payment_not_deletable",
            });
        }
        payments::delete(&mut tx, id).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Payment, id),
            ChangeAction::Delete,
            ("number", &current.number),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The payment the caller may change, locked for the rest of the
    /// transaction (a payment first, then its contract).
    pub(super) async fn writable_payment(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Payment> {
        payments::lock(tx, id).await?;
        let visibility = self.visibility_of(tx, caller, Kind::Payment).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let found = payments::get(tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !payments::writable(tx, scope, id).await? {
            return Err(ServiceError::Forbidden);
        }
        Ok(found)
    }
}
