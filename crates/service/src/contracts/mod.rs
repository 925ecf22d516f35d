//! Contracts and their payment plans. Only approved contracts count in
//! figures and take payments (see `payments`); a contract is approved
//! through its kind's approval flow.

use chrono::NaiveDate;
use kuijing_domain::approval::{Chosen, FactValue, Facts, Status};
use kuijing_domain::change::Diff;
use kuijing_domain::sales::{self, DocStatus};
use kuijing_domain::{Action, ChangeAction, FieldErrors, Kind, Permission, money, text};
use kuijing_store::contracts::{self, ContractFields, ContractQuery};
pub use kuijing_store::contracts::{Contract, Plan};
use kuijing_store::line_items::{self, LineItem};
use kuijing_store::payments::{self, PaymentQuery};
use kuijing_store::{Tx, customers};
use serde::{Deserialize, Serialize};
pub use sorting::{contract_sorts_by, payment_sorts_by};
use utoipa::ToSchema;

use crate::approvals::ApprovalView;
use crate::changelog::LogView;
use crate::error::{Result, ServiceError};
use crate::products::{DecimalText, LineInput, MoneyInput};
use crate::selection::ContractMatch;
use crate::{App, Caller, ListPage, PageRequest};
use lifecycle::{may_void, refusal_of, void_reason};

pub use crate::payments::{Payment, PaymentDetail, PaymentInput, PaymentListQuery, VoidInput};
pub use kuijing_store::contracts::Plan as PaymentPlan;
pub use kuijing_store::payments::PendingPayment;

mod batch;
mod checks;
mod edits;
mod lifecycle;
mod sorting;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    /// Typed, or left out to take the next number of the rule.
    pub number: Option<String>,
    pub name: String,
    /// Required: `null` or `0` is refused as `required`.
    #[serde(deserialize_with = "crate::input::id_or_zero")]
    pub customer_id: i64,
    pub opportunity_id: Option<i64>,
    pub signed_on: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Set by hand; left out, the amount follows the product lines.
    pub amount: Option<DecimalText>,
    pub currency: Option<String>,
    pub customer_signer_id: Option<i64>,
    pub company_signer_id: Option<i64>,
    pub payment_method_id: Option<i64>,
    pub notes: Option<String>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub version: Option<i64>,
    /// What a form could not read (a date that does not exist): reported
    /// with every other error of the input, so nothing is saved. Never
    /// part of the API.
    #[serde(skip)]
    pub unread: FieldErrors,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitInput {
    /// Approvers the submitter picks, per step of the flow (by its index),
    /// where the flow leaves the choice to them.
    #[serde(default)]
    pub approvers: Chosen,
    /// For a payment: confirms it although, with the others under approval,
    /// it takes the contract past its amount.
    #[serde(default)]
    pub confirm_exceeding: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    pub amount: DecimalText,
    pub planned_on: NaiveDate,
    pub method_id: Option<i64>,
    #[serde(default)]
    pub remind_days: i64,
    pub notes: Option<String>,
    /// What a form could not read (a date that does not exist): reported
    /// with every other error of the input, so nothing is saved. Never
    /// part of the API.
    #[serde(skip)]
    pub unread: FieldErrors,
}

#[derive(Debug, Clone, Default)]
pub struct ContractListQuery {
    pub search: Option<String>,
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub view: Option<String>,
    /// Approved contracts ending within this many days.
    pub ending_within_days: Option<i64>,
    /// Approved on these days, of these owners (a dashboard figure's).
    pub drill: crate::dashboard::Drill,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractRow {
    #[serde(flatten)]
    pub contract: Contract,
    pub owner_name: Option<String>,
    /// What is still to come in: the amount less what was received, never
    /// below 0. Null for a contract that is not approved (a draft, one in
    /// approval, rejected, withdrawn or void), which expects no payments.
    pub outstanding: Option<i64>,
    /// What approved payments brought in beyond the amount (each confirmed
    /// past what was outstanding), in minor units of `currency`; 0 when
    /// none, and for a contract that is not approved.
    pub overpaid: i64,
    /// `overpaid` as people read it, with its currency; null when none.
    pub overpaid_text: Option<String>,
}

impl ContractRow {
    /// A contract as lists and pages show it, with what it has
    /// outstanding and what was paid over its amount.
    pub fn of(contract: Contract, owner_name: Option<String>) -> Self {
        let counts = contract.status.counts();
        let overpaid = if counts {
            contract.received.saturating_sub(contract.amount).max(0)
        } else {
            0
        };
        Self {
            owner_name,
            outstanding: counts.then(|| contract.outstanding()),
            overpaid,
            overpaid_text: (overpaid > 0)
                .then(|| kuijing_domain::money::format_money(overpaid, &contract.currency)),
            contract,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractDetail {
    #[serde(flatten)]
    pub row: ContractRow,
    pub customer_signer_name: Option<String>,
    pub company_signer_name: Option<String>,
    pub lines: Vec<LineItem>,
    pub plans: Vec<Plan>,
    /// Received money that no instalment has room for (all of it when the
    /// contract has no plan): no instalment shows more than its amount.
    pub unassigned: i64,
    pub payments: Vec<Payment>,
    /// Payments not yet approved, whoever's: with what was received they
    /// use up what is outstanding, so a new payment's warning names them.
    pub pending_payments: Vec<PendingPayment>,
    pub approval: Option<ApprovalView>,
    pub team: Vec<crate::teams::TeamView>,
    pub change_log: Vec<LogView>,
    /// The caller may change the contract and it is still a draft (or sent back).
    pub can_edit: bool,
    /// The caller may change the contract: submit, void or plan it.
    pub writable: bool,
    /// Why a void contract was voided, as its change log keeps it.
    pub void_reason: Option<String>,
    /// Whether the caller may void it now: it is approved with nothing
    /// received, they may change it, and they may approve contracts or
    /// manage approvals (see [`may_void`]).
    pub can_void: bool,
}

/// Contracts a batch action is for: ticked ones, or all that match.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractBatch {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every contract that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<ContractMatch>,
}

/// Totals of a list, per currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CurrencyTotal {
    pub currency: String,
    /// The records that match.
    pub count: i64,
    /// How many of them are approved. For contracts, the only ones whose
    /// amount and received count in `amount` and `received`; for payments,
    /// the only money received, so `amount` and `received` are both the
    /// sum of the approved payments (void ones count nowhere).
    pub approved: i64,
    pub amount: i64,
    pub received: i64,
}

pub(crate) fn contract(action: Action) -> Permission {
    Permission::new(Kind::Contract, action)
}

pub(crate) fn payment(action: Action) -> Permission {
    Permission::new(Kind::Payment, action)
}

pub(crate) fn invalid(field: &str, code: &'static str) -> ServiceError {
    ServiceError::Invalid(kuijing_domain::FieldError::new(field, code).into())
}

pub(crate) fn parse_status(text: Option<&str>) -> Result<Option<DocStatus>> {
    match text.map(str::trim) {
        None | Some("") | Some("all") => Ok(None),
        Some(text) => DocStatus::parse(text)
            .map(Some)
            .map_err(|code| invalid("status", code)),
    }
}

pub(crate) fn owners_of_view(caller: &Caller, view: Option<&str>) -> Result<Option<Vec<i64>>> {
    match view {
        Some("mine") => Ok(Some(vec![caller.user.id])),
        None | Some("") | Some("all") => Ok(None),
        Some(_) => Err(invalid("view", "invalid_choice")),
    }
}

/// The store's query of a contract list: its search, status, view and window.
pub(crate) fn contract_store_query(
    caller: &Caller,
    query: &ContractListQuery,
    today: NaiveDate,
) -> Result<ContractQuery> {
    Ok(ContractQuery {
        search: query
            .search
            .as_deref()
            .map(text::normalize)
            .filter(|s| !s.is_empty()),
        status: parse_status(query.status.as_deref())?,
        customer: query.customer_id,
        owners: query
            .drill
            .owners(owners_of_view(caller, query.view.as_deref())?),
        signed_from: query.drill.days().0,
        signed_before: query.drill.days().1,
        currency: query.drill.currency(),
        ends_before: query
            .ending_within_days
            .map(|days| today + chrono::Duration::days(days.clamp(0, 3650) + 1)),
        ..ContractQuery::default()
    })
}

impl App {
    /// A page of contracts, the newest first (see
    /// [`App::list_contracts_sorted`] for another order).
    pub async fn list_contracts(
        &self,
        caller: &Caller,
        query: &ContractListQuery,
        page: PageRequest,
    ) -> Result<(ListPage<ContractRow>, Vec<CurrencyTotal>)> {
        self.list_contracts_sorted(caller, query, None, page).await
    }

    /// The contracts of an opportunity the caller may see, newest first;
    /// none when the caller may not view contracts at all.
    pub(crate) async fn contracts_of_opportunity(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        opportunity: i64,
    ) -> Result<Vec<Contract>> {
        if !caller.can(contract(Action::View)) {
            return Ok(Vec::new());
        }
        let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
        let query = ContractQuery {
            opportunity: Some(opportunity),
            ..ContractQuery::default()
        };
        let scope = (&visibility, caller.user.id, self.today());
        Ok(contracts::list(tx, scope, &query, None, 200).await?)
    }

    async fn contract_rows(&self, tx: &mut Tx, found: Vec<Contract>) -> Result<Vec<ContractRow>> {
        let owners: Vec<i64> = found.iter().filter_map(|c| c.owner_id).collect();
        let names = kuijing_store::users::names(tx, &owners).await?;
        Ok(found
            .into_iter()
            .map(|contract| {
                let owner = name_of(&names, contract.owner_id);
                ContractRow::of(contract, owner)
            })
            .collect())
    }

    pub async fn get_contract(&self, caller: &Caller, id: i64) -> Result<ContractDetail> {
        caller.require(contract(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Contract).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let found = contracts::get(&mut tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let writable = contracts::writable(&mut tx, scope, id).await?;
        let can_edit = caller.can(contract(Action::Edit)) && writable;
        let lines = line_items::of_record(&mut tx, Kind::Contract.as_str(), id).await?;
        let plans = contracts::plans(&mut tx, id).await?;
        let payment_visibility = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
        let payment_query = PaymentQuery {
            contract: Some(id),
            ..PaymentQuery::default()
        };
        let payments = payments::list(
            &mut tx,
            (&payment_visibility, caller.user.id, self.today()),
            &payment_query,
            None,
            200,
        )
        .await?;
        let pending_payments = payments::pending_of_contract(&mut tx, id).await?;
        let approval = self
            .approval_view(&mut tx, caller, Kind::Contract.as_str(), id)
            .await?;
        let team = self.team_of(&mut tx, Kind::Contract, id).await?;
        let change_log = self
            .change_log_in(&mut tx, caller, (Kind::Contract, id), &found.currency)
            .await?;
        let signers = kuijing_store::contacts::names(
            &mut tx,
            &found.customer_signer_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        let company = kuijing_store::users::names(
            &mut tx,
            &found.company_signer_id.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        let customer_signer_name = name_of(&signers, found.customer_signer_id);
        let company_signer_name = name_of(&company, found.company_signer_id);
        let mut rows = self.contract_rows(&mut tx, vec![found]).await?;
        let row = rows.pop().ok_or(ServiceError::NotFound)?;
        let planned: i64 = plans.iter().map(|plan| plan.received).sum();
        let void_reason = (row.contract.status == DocStatus::Void)
            .then(|| void_reason(&change_log))
            .flatten();
        let can_void = writable
            && may_void(caller)
            && row.contract.status == DocStatus::Approved
            && row.contract.received == 0;
        Ok(ContractDetail {
            can_void,
            unassigned: (row.contract.received - planned).max(0),
            can_edit: can_edit && row.contract.status.editable(),
            writable: can_edit,
            row,
            customer_signer_name,
            company_signer_name,
            lines,
            plans,
            payments,
            pending_payments,
            approval,
            team,
            change_log,
            void_reason,
        })
    }

    /// The contract the caller may change, locked for the rest of the
    /// transaction so changes of one contract happen one after another.
    pub(crate) async fn writable_contract(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Contract> {
        contracts::lock(tx, id).await?;
        let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let found = contracts::get(tx, scope, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !contracts::writable(tx, scope, id).await? {
            return Err(ServiceError::Forbidden);
        }
        Ok(found)
    }
}

pub(crate) fn name_of(names: &[(i64, String)], id: Option<i64>) -> Option<String> {
    let id = id?;
    names
        .iter()
        .find(|(candidate, _)| *candidate == id)
        .map(|(_, name)| name.clone())
}

/// The longest reason a contract is voided for, in characters (as a
/// payment's).
pub const VOID_REASON_MAX: usize = 500;
