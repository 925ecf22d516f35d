//! What a payment pays against, as its page and detail show it to whoever
//! may open the payment: an approver waiting on it who may not open its
//! contract still sees the figures they decide on, without the contract
//! itself being opened to them.

use chrono::NaiveDate;
use kuijing_domain::{Action, Kind};
use kuijing_store::Tx;
use kuijing_store::contracts;
use kuijing_store::payments::Payment;
use serde::Serialize;
use utoipa::ToSchema;

use crate::contracts::contract;
use crate::customers::customer;
use crate::error::Result;
use crate::{App, Caller};

/// The contract (and instalment) a payment is received against, in minor
/// units of the contract's currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaidAgainst {
    pub contract_number: String,
    pub contract_amount: i64,
    pub currency: String,
    /// What the contract's approved payments brought in.
    pub contract_received: i64,
    /// The amount less what was received, never below 0; null while the
    /// contract is not approved.
    pub contract_outstanding: Option<i64>,
    /// Whether the caller may open the contract (`/contracts/{id}`); an
    /// approver outside its scope may not, and sees its number only.
    pub contract_visible: bool,
    /// Whether the caller may open the customer.
    pub customer_visible: bool,
    /// The instalment the payment is for, when it names one.
    pub instalment: Option<InstalmentFigures>,
}

/// An instalment's figures, in minor units of the contract's currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstalmentFigures {
    /// Its number within the contract (1 for the first).
    pub instalment: i64,
    pub planned_on: NaiveDate,
    pub amount: i64,
    pub received: i64,
    /// The amount less what was received, never below 0.
    pub outstanding: i64,
}

impl App {
    /// The figures of the payment's contract and instalment, read whatever
    /// the caller's scope (they may open the payment), with whether they
    /// may open the contract and the customer.
    pub(crate) async fn paid_against(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        found: &Payment,
    ) -> Result<Option<PaidAgainst>> {
        let Some(stored) = contracts::get_unscoped(tx, found.contract_id).await? else {
            return Ok(None);
        };
        let today = self.today();
        let contract_visible = if caller.can(contract(Action::View)) {
            let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
            contracts::get(tx, (&visibility, caller.user.id, today), stored.id)
                .await?
                .is_some()
        } else {
            false
        };
        let customer_visible = if caller.can(customer(Action::View)) {
            let visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
            let pools = self.pools_of(tx, caller).await?;
            kuijing_store::customers::get(
                tx,
                &visibility,
                caller.user.id,
                today,
                found.customer_id,
                &pools,
            )
            .await?
            .is_some()
        } else {
            false
        };
        let instalment = match found.plan_id {
            Some(plan) => contracts::plans(tx, stored.id)
                .await?
                .into_iter()
                .find(|p| p.id == plan)
                .map(|p| InstalmentFigures {
                    instalment: p.instalment,
                    planned_on: p.planned_on,
                    amount: p.amount,
                    received: p.received,
                    outstanding: (p.amount - p.received).max(0),
                }),
            None => None,
        };
        Ok(Some(PaidAgainst {
            contract_outstanding: stored.status.counts().then(|| stored.outstanding()),
            contract_number: stored.number,
            contract_amount: stored.amount,
            currency: stored.currency,
            contract_received: stored.received,
            contract_visible,
            customer_visible,
            instalment,
        }))
    }
}
