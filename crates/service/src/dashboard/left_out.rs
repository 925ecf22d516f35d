//! What the dashboard's trend and rankings leave out: approved contracts
//! and payments in other currencies than the one they are drawn in, named
//! with their currency and how many, as the brief shows them.

use std::collections::BTreeMap;

use kuijing_store::insight::MonthSum;
use serde::Serialize;
use utoipa::ToSchema;

use super::Figure;

/// Contracts or payments a figure leaves out for being in another
/// currency than the dashboard's, counted per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LeftOutMoney {
    /// `contract_amount` or `payment_amount`.
    pub measure: &'static str,
    pub currency: String,
    /// How many contracts (or payments) in that currency.
    pub count: i64,
    /// Their amount, in that currency.
    pub amount: i64,
}

/// The trend's months (and the year before) in other currencies than
/// `currency`, per measure and currency.
pub(super) fn left_out_of_months(
    sums: &[(&str, i32, Vec<MonthSum>)],
    currency: &str,
) -> Vec<LeftOutMoney> {
    let mut left: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for (measure, _, rows) in sums {
        for row in rows.iter().filter(|r| r.currency != currency) {
            let entry = left.entry((measure, row.currency.as_str())).or_default();
            entry.0 += row.count;
            entry.1 += row.amount;
        }
    }
    left_out_list(left)
}

/// The period's approved contracts and payments (the brief's figures) in
/// other currencies than `currency`.
pub(super) fn left_out_of_figures(
    figures: &[(&'static str, bool, Figure, Figure)],
    currency: &str,
) -> Vec<LeftOutMoney> {
    let mut left: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for (key, _, current, _) in figures {
        let measure = match *key {
            "contracts_approved" => "contract_amount",
            "payments_received" => "payment_amount",
            _ => continue,
        };
        for sum in current.amounts.iter().filter(|s| s.currency != currency) {
            let entry = left.entry((measure, sum.currency.as_str())).or_default();
            entry.0 += sum.count;
            entry.1 += sum.amount;
        }
    }
    left_out_list(left)
}

fn left_out_list(left: BTreeMap<(&str, &str), (i64, i64)>) -> Vec<LeftOutMoney> {
    left.into_iter()
        .filter(|(_, (count, _))| *count > 0)
        .map(|((measure, currency), (count, amount))| LeftOutMoney {
            measure: if measure == "payment_amount" {
                "payment_amount"
            } else {
                "contract_amount"
            },
            currency: currency.to_string(),
            count,
            amount,
        })
        .collect()
}
