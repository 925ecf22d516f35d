//! A won deal of the files as the contract and payment it became.

use chrono::{DateTime, Utc};
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Kind, money};
use kuijing_store::contracts::ContractFields;
use kuijing_store::line_items::LineItem;
use kuijing_store::payments::PaymentFields;
use kuijing_store::{Tx, contracts, line_items, payments};

use super::{DEMO_CURRENCY, PipelineRow};
use crate::error::Result;

/// What a won deal became in the demo: its customer (id and name), its
/// opportunity, its agent, what it closed at, when, and its product with
/// the product's list price.
pub(super) struct WonDeal<'a> {
    pub customer: (i64, &'a str),
    pub opportunity: i64,
    pub agent: i64,
    pub amount: i64,
    pub at: DateTime<Utc>,
    pub product: Option<&'a (i64, i64)>,
}

/// An approved contract for what the deal closed at, with its product line,
/// and one approved payment of the whole amount, received on the signing
/// day.
pub(super) async fn won_deal(tx: &mut Tx, row: &PipelineRow, deal: WonDeal<'_>) -> Result<()> {
    let WonDeal {
        customer: (customer, customer_name),
        opportunity: id,
        agent,
        amount,
        at,
        product,
    } = deal;
    let signed = row.close_date;
    let contract = ContractFields {
        name: row.opportunity_id.clone(),
        customer_id: customer,
        opportunity_id: Some(id),
        signed_on: signed,
        amount,
        amount_by_hand: true,
        currency: DEMO_CURRENCY.into(),
        ..ContractFields::default()
    };
    let contract_id = contracts::insert(
        tx,
        &contract,
        (&row.opportunity_id, customer_name),
        agent,
        (agent, at),
    )
    .await?;
    // The deal's product at the price it closed for, so product
    // sales add up to the contracts.
    if let Some((product, price)) = product {
        let line = LineItem {
            product_id: *product,
            product_name: row.product.clone(),
            unit: None,
            list_price: *price,
            price: amount,
            quantity: money::QUANTITY_SCALE,
            discount: 0,
            subtotal: amount,
        };
        line_items::replace(tx, Kind::Contract.as_str(), contract_id, &[line]).await?;
    }
    contracts::set_status(tx, contract_id, DocStatus::Draft, DocStatus::Approved, at).await?;
    let received_on = signed.unwrap_or_else(|| at.date_naive());
    let payment = PaymentFields {
        exceeding_confirmed: false,
        contract_id,
        plan_id: None,
        received_on,
        method_id: None,
        amount,
        currency: DEMO_CURRENCY.into(),
        notes: None,
        custom: Default::default(),
    };
    let payment_id = payments::insert(
        tx,
        &payment,
        (&row.opportunity_id, customer_name),
        agent,
        (agent, at),
    )
    .await?;
    payments::set_status(tx, payment_id, DocStatus::Draft, DocStatus::Approved, at).await?;
    contracts::set_received(tx, contract_id, amount).await?;
    Ok(())
}
