//! What the dashboard's figures leave out: money in other currencies than
//! the company's, the one the dashboard is drawn in, named with their
//! currency and how many, as the brief shows them.

use std::collections::BTreeMap;

use kuijing_store::insight::{MonthSum, StageSum};
use serde::Serialize;
use utoipa::ToSchema;

use super::Figure;

/// Records a figure leaves out for being in another currency than the
/// dashboard's, counted per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LeftOutMoney {
    /// `contract_amount` (approved contracts), `payment_amount` (approved
    /// payments), `opportunity_amount` (new opportunities), `open_amount`
    /// (open opportunities at the funnel's stages), `won_amount` or
    /// `lost_amount` (opportunities won or lost in the period).
    pub measure: &'static str,
    pub currency: String,
    /// How many records in that currency.
    pub count: i64,
    /// Their amount, in that currency.
    pub amount: i64,
}

type Left<'a> = BTreeMap<(&'static str, &'a str), (i64, i64)>;

fn add<'a>(left: &mut Left<'a>, measure: &'static str, currency: &'a str, count: i64, amount: i64) {
    let entry = left.entry((measure, currency)).or_default();
    entry.0 += count;
    entry.1 += amount;
}

/// The trend's months (and the year before) in other currencies than
/// `currency`, per measure and currency.
pub(super) fn left_out_of_months(
    sums: &[(&'static str, i32, Vec<MonthSum>)],
    currency: &str,
) -> Vec<LeftOutMoney> {
    let mut left = Left::new();
    for (measure, _, rows) in sums {
        for row in rows.iter().filter(|r| r.currency != currency) {
            add(&mut left, measure, &row.currency, row.count, row.amount);
        }
    }
    left_out_list(left)
}

/// The period's money figures of the brief in other currencies than
/// `currency`: approved contracts and payments, and with `opportunities`
/// new opportunities too (the rankings rank no opportunities).
pub(super) fn left_out_of_figures(
    figures: &[(&'static str, bool, Figure, Figure)],
    currency: &str,
    opportunities: bool,
) -> Vec<LeftOutMoney> {
    let mut left = Left::new();
    for (key, _, current, _) in figures {
        let measure = match *key {
            "contracts_approved" => "contract_amount",
            "payments_received" => "payment_amount",
            "new_opportunities" if opportunities => "opportunity_amount",
            _ => continue,
        };
        for sum in current.amounts.iter().filter(|s| s.currency != currency) {
            add(&mut left, measure, &sum.currency, sum.count, sum.amount);
        }
    }
    left_out_list(left)
}

/// A funnel's open opportunities, and those won and lost in the period, in
/// other currencies than `currency`.
pub(super) fn left_out_of_funnel(
    open: &[StageSum],
    (won, lost): (&Figure, &Figure),
    currency: &str,
) -> Vec<LeftOutMoney> {
    let mut left = Left::new();
    for stage in open.iter().filter(|s| s.currency != currency) {
        add(
            &mut left,
            "open_amount",
            &stage.currency,
            stage.count,
            stage.amount,
        );
    }
    for (measure, figure) in [("won_amount", won), ("lost_amount", lost)] {
        for sum in figure.amounts.iter().filter(|s| s.currency != currency) {
            add(&mut left, measure, &sum.currency, sum.count, sum.amount);
        }
    }
    left_out_list(left)
}

fn left_out_list(left: Left<'_>) -> Vec<LeftOutMoney> {
    left.into_iter()
        .filter(|(_, (count, _))| *count > 0)
        .map(|((measure, currency), (count, amount))| LeftOutMoney {
            measure,
            currency: currency.to_string(),
            count,
            amount,
        })
        .collect()
}
