//! Contracts and payments by person and department, and product sales.

use super::*;

impl App {
    pub(super) async fn sales_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let contract_owners = frame.whose.owners(caller, Kind::Contract);
        let payment_owners = frame.whose.owners(caller, Kind::Payment);
        let contracts = |from: NaiveDate, to: NaiveDate| Aggregate {
            source: Source::Contracts,
            owner: "contracts.owner_id",
            owners: contract_owners.as_deref(),
            keys: vec![match by {
                "department" => Key::DepartmentOf("contracts.owner_id"),
                "month" => Key::Date("contracts.signed_on", Bucket::Month),
                _ => Key::Column("contracts.owner_id"),
            }],
            currency: Some("contracts.currency"),
            measures: vec![Measure::Count, Measure::Sum("contracts.amount")],
            filters: vec![
                Filter::Eq("contracts.status", "approved".into()),
                Filter::Days("contracts.signed_on", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let payments = |from: NaiveDate, to: NaiveDate| Aggregate {
            source: Source::Payments,
            owner: "payments.owner_id",
            owners: payment_owners.as_deref(),
            keys: vec![match by {
                "department" => Key::DepartmentOf("payments.owner_id"),
                "month" => Key::Date("payments.received_on", Bucket::Month),
                _ => Key::Column("payments.owner_id"),
            }],
            currency: Some("payments.currency"),
            measures: vec![Measure::Count, Measure::Sum("payments.amount")],
            filters: vec![
                Filter::Eq("payments.status", "approved".into()),
                Filter::Days("payments.received_on", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let signed = figures::aggregate(tx, &contracts(frame.from, frame.to), &frame.zone).await?;
        table.counts("contracts", Unit::Count, &signed, 0);
        table.money("contract_amount", &signed, 1, &frame.currency);
        let received = figures::aggregate(tx, &payments(frame.from, frame.to), &frame.zone).await?;
        table.counts("payments", Unit::Count, &received, 0);
        table.money("payment_amount", &received, 1, &frame.currency);
        table.money_rates("received_rate", "payment_amount", "contract_amount");
        if by == "month" {
            // The same months a year before, beside them.
            let (before_from, before_to) = (year_earlier(frame.from), year_earlier(frame.to));
            let signed =
                figures::aggregate(tx, &contracts(before_from, before_to), &frame.zone).await?;
            table.money_shifted(
                "contract_amount_year_before",
                &signed,
                1,
                &frame.currency,
                &year_later,
            );
            let received =
                figures::aggregate(tx, &payments(before_from, before_to), &frame.zone).await?;
            table.money_shifted(
                "payment_amount_year_before",
                &received,
                1,
                &frame.currency,
                &year_later,
            );
            table.money_changes(
                "contract_year_on_year",
                "contract_amount",
                "contract_amount_year_before",
            );
            table.money_changes(
                "payment_year_on_year",
                "payment_amount",
                "payment_amount_year_before",
            );
            // Month on month: each month against the one before it.
            let before_first = frame
                .from
                .with_day(1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
                .unwrap_or(frame.from);
            let signed =
                figures::aggregate(tx, &contracts(before_first, frame.to), &frame.zone).await?;
            let next_month = |month: &str| -> String {
                NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                    .map_or_else(|| month.to_string(), |d| d.format("%Y-%m").to_string())
            };
            let within: BTreeSet<String> = table.fixed_keys.iter().cloned().collect();
            let signed: Vec<Grouped> = signed
                .into_iter()
                .filter(|r| {
                    r.k1.as_deref()
                        .is_some_and(|k| within.contains(&next_month(k)))
                })
                .collect();
            table.money_shifted(
                "contract_amount_month_before",
                &signed,
                1,
                &frame.currency,
                &next_month,
            );
            table.money_changes(
                "contract_month_on_month",
                "contract_amount",
                "contract_amount_month_before",
            );
            // Each month's month before adds up to no period of its own (the
            // period moved back a month, overlapping it), so the column and
            // its change have no total; the year before's months add up to
            // the same period a year before, and keep theirs.
            let month_before: Vec<usize> = table
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.key == "contract_amount_month_before")
                .map(|(i, _)| i)
                .collect();
            for column in month_before {
                table.not_additive(column);
            }
        } else {
            // Per person or department: the period before (a month against
            // the month before) and the same period a year before.
            let (before_from, before_to) =
                kuijing_domain::dates::previous_range(frame.from, frame.to);
            let (year_from, year_to) = (year_earlier(frame.from), year_earlier(frame.to));
            for (key, from, to) in [
                ("period_before", before_from, before_to),
                ("year_before", year_from, year_to),
            ] {
                let signed = figures::aggregate(tx, &contracts(from, to), &frame.zone).await?;
                table.money(
                    &format!("contract_amount_{key}"),
                    &signed,
                    1,
                    &frame.currency,
                );
                let received = figures::aggregate(tx, &payments(from, to), &frame.zone).await?;
                table.money(
                    &format!("payment_amount_{key}"),
                    &received,
                    1,
                    &frame.currency,
                );
            }
            for (change, key) in [
                ("period_on_period", "period_before"),
                ("year_on_year", "year_before"),
            ] {
                table.money_changes(
                    &format!("contract_{change}"),
                    "contract_amount",
                    &format!("contract_amount_{key}"),
                );
                table.money_changes(
                    &format!("payment_{change}"),
                    "payment_amount",
                    &format!("payment_amount_{key}"),
                );
            }
        }
        Ok(())
    }

    pub(super) async fn products_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Contract);
        let lines = Aggregate {
            source: Source::ContractLines,
            owner: "contracts.owner_id",
            owners: owners.as_deref(),
            keys: vec![if by == "category" {
                Key::CategoryOf("line_items.product_id")
            } else {
                Key::Column("line_items.product_id")
            }],
            currency: Some("contracts.currency"),
            measures: vec![
                Measure::Distinct("contracts.id"),
                Measure::Sum("line_items.quantity"),
                Measure::Sum("line_items.subtotal"),
            ],
            filters: vec![
                Filter::Eq("contracts.status", "approved".into()),
                Filter::Days("contracts.signed_on", frame.from, frame.to),
            ],
            limit: GROUP_LIMIT,
        };
        let rows = figures::aggregate(tx, &lines, &frame.zone).await?;
        table.money("sales_amount", &rows, 2, &frame.currency);
        table.counts("quantity", Unit::Number, &rows, 1);
        table.counts("contracts", Unit::Count, &rows, 0);
        // A contract with several products counts once in the total: its
        // contracts counted apart, in the database, over all the lines.
        let whole = Aggregate {
            keys: Vec::new(),
            currency: None,
            measures: vec![Measure::Distinct("contracts.id")],
            ..lines
        };
        let all = figures::aggregate(tx, &whole, &frame.zone).await?;
        let contracts = table.column("contracts", Unit::Count, None, None);
        table.total(contracts, all.first().map_or(0, |r| r.m1));
        Ok(())
    }
}
