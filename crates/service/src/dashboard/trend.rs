//! The trend: contract and payment amounts of twelve months ending with
//! the period's last month, beside the same months a year earlier.

use super::*;

impl App {
    /// The trend's months in `currency`, and what it leaves out in others.
    pub(super) async fn trend(
        &self,
        tx: &mut Tx,
        owners: &DrillOwners,
        (from, to): (NaiveDate, NaiveDate),
        currency: &str,
    ) -> Result<(Vec<TrendMonth>, Vec<LeftOutMoney>)> {
        let last_day = to - chrono::Duration::days(1);
        let months = months_back(last_day, 12);
        let window = |shift: i32| -> (NaiveDate, NaiveDate) {
            let first = months.first().copied().unwrap_or(from);
            let after = months.last().map_or(to, |last| next_month(*last));
            (shifted(first, shift), shifted(after, shift))
        };
        let mut sums: Vec<(&'static str, i32, Vec<MonthSum>)> = Vec::new();
        for (measure, owners) in [
            ("contract_amount", &owners.contracts),
            ("payment_amount", &owners.payments),
        ] {
            for shift in [0, -1] {
                let rows = insight::by_month(tx, owned_by(owners), measure, window(shift)).await?;
                sums.push((measure, shift, rows));
            }
        }
        let in_month = |measure: &str, shift: i32, month: &str| -> i64 {
            sums.iter()
                .filter(|(m, s, _)| *m == measure && *s == shift)
                .flat_map(|(_, _, rows)| rows)
                .filter(|r| r.month == month && r.currency == currency)
                .map(|r| r.amount)
                .sum()
        };
        let trend = months
            .iter()
            .map(|first| {
                let month = first.format("%Y-%m").to_string();
                let year_before = shifted(*first, -1).format("%Y-%m").to_string();
                TrendMonth {
                    contracts: in_month("contract_amount", 0, &month),
                    payments: in_month("payment_amount", 0, &month),
                    contracts_year_before: in_month("contract_amount", -1, &year_before),
                    payments_year_before: in_month("payment_amount", -1, &year_before),
                    month,
                }
            })
            .collect();
        Ok((trend, left_out_of_months(&sums, currency)))
    }
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first)
}

fn shifted(day: NaiveDate, years: i32) -> NaiveDate {
    if years >= 0 {
        day.checked_add_months(chrono::Months::new(12 * years as u32))
    } else {
        day.checked_sub_months(chrono::Months::new(12 * years.unsigned_abs()))
    }
    .unwrap_or(day)
}
