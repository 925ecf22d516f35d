//! Customer analysis, lead conversion, the pool and follow-ups.

use kuijing_store::customer_days::Counted;
use kuijing_store::insight::Owners;

use super::*;

/// The key of the customer analysis over the customers counted per day
/// and owner, where it has one: by month, owner or department.
fn by_day(key: &Key) -> Option<Key> {
    match key {
        Key::Instant(_, bucket) => Some(Key::Date("customer_days.day", *bucket)),
        Key::Column("customers.owner_id") => Some(Key::Column("customer_days.owner_id")),
        Key::DepartmentOf(_) => Some(Key::DepartmentOf("customer_days.owner_id")),
        _ => None,
    }
}

impl App {
    pub(super) async fn customers_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        custom_key: Option<String>,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Customer);
        let key = match (by, custom_key) {
            (_, Some(field)) => Key::Custom("customers", field),
            ("source", _) => Key::Column("customers.source_id"),
            ("level", _) => Key::Column("customers.level_id"),
            ("province", _) => Key::Column("customers.province"),
            ("city", _) => Key::Column("customers.city"),
            ("owner", _) => Key::Column("customers.owner_id"),
            ("department", _) => Key::DepartmentOf("customers.owner_id"),
            ("month", _) => Key::Instant("customers.created_at", Bucket::Month),
            _ => Key::Column("customers.industry_id"),
        };
        if let Some(key) = by_day(&key) {
            return self
                .customers_by_day(tx, frame, owners.as_deref(), (by, key), table)
                .await;
        }
        let base = |filters: Vec<Filter>, key: Key| Aggregate {
            source: Source::Customers,
            owner: "customers.owner_id",
            owners: owners.as_deref(),
            keys: vec![key],
            currency: None,
            measures: vec![Measure::Count],
            filters,
            limit: GROUP_LIMIT,
        };
        let (from, to) = frame.at;
        let created = figures::aggregate(
            tx,
            &base(
                vec![Filter::Between("customers.created_at", from, to)],
                key.clone(),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("new_customers", Unit::Count, &created, 0);
        let dealt = figures::aggregate(
            tx,
            &base(
                vec![Filter::Between("customers.dealt_at", from, to)],
                key.clone(),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("dealt_customers", Unit::Count, &dealt, 0);
        let all = figures::aggregate(tx, &base(Vec::new(), key), &frame.zone).await?;
        table.counts("all_customers", Unit::Count, &all, 0);
        Ok(())
    }

    /// The customer analysis by month, owner or department, from the
    /// customers counted per day and owner (`customer_days`): the same
    /// figures as counting the customers, without reading them.
    async fn customers_by_day(
        &self,
        tx: &mut Tx,
        frame: &Frame,
        owners: Owners<'_>,
        (by, key): (&str, Key),
        table: &mut Assembly,
    ) -> Result<()> {
        let days = Some((frame.from, frame.to));
        for (name, counted, days) in [
            ("new_customers", Counted::Created, days),
            ("dealt_customers", Counted::Dealt, days),
            ("all_customers", Counted::Created, None),
        ] {
            if days.is_none() && by == "month" {
                continue;
            }
            // Days whose count is 0 are not groups: a group is there only
            // where a customer is counted.
            let mut filters = vec![Filter::AtLeast(counted.column(), 1i64.into())];
            if let Some((from, to)) = days {
                filters.push(Filter::Days("customer_days.day", from, to));
            }
            let rows = figures::aggregate(
                tx,
                &Aggregate {
                    source: Source::CustomerDays,
                    owner: "customer_days.owner_id",
                    owners,
                    keys: vec![key.clone()],
                    currency: None,
                    measures: vec![Measure::Sum(counted.column())],
                    filters,
                    limit: GROUP_LIMIT,
                },
                &frame.zone,
            )
            .await?;
            table.counts(name, Unit::Count, &rows, 0);
        }
        Ok(())
    }

    pub(super) async fn leads_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Lead);
        let key = |column: &'static str| match by {
            "department" => Key::DepartmentOf("leads.owner_id"),
            "month" => Key::Instant(column, Bucket::Month),
            _ => Key::Column("leads.owner_id"),
        };
        let (from, to) = frame.at;
        let run = |filters: Vec<Filter>, key: Key| Aggregate {
            source: Source::Leads,
            owner: "leads.owner_id",
            owners: owners.as_deref(),
            keys: vec![key],
            currency: None,
            measures: vec![Measure::Count],
            filters,
            limit: GROUP_LIMIT,
        };
        let created = figures::aggregate(
            tx,
            &run(
                vec![Filter::Between("leads.created_at", from, to)],
                key("leads.created_at"),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("new_leads", Unit::Count, &created, 0);
        let converted = figures::aggregate(
            tx,
            &run(
                vec![
                    Filter::Eq("leads.converted", true.into()),
                    Filter::Between("leads.converted_at", from, to),
                ],
                key("leads.converted_at"),
            ),
            &frame.zone,
        )
        .await?;
        table.counts("converted_leads", Unit::Count, &converted, 0);
        table.rate("conversion_rate", 1, 0);
        Ok(())
    }

    pub(super) async fn pool_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Customer);
        let (from, to) = frame.at;
        let key = |user: &'static str, at: &'static str| match by {
            "department" => Key::DepartmentOf(user),
            "month" => Key::Instant(at, Bucket::Month),
            _ => Key::Column(user),
        };
        // Every release counts, with the owner who let the customer go.
        let moves = |kind: &'static str| Aggregate {
            source: Source::PoolMoves,
            owner: "pool_moves.user_id",
            owners: owners.as_deref(),
            keys: vec![key("pool_moves.user_id", "pool_moves.moved_at")],
            currency: None,
            measures: vec![Measure::Count],
            filters: vec![
                Filter::Eq("pool_moves.move", kind.into()),
                Filter::Between("pool_moves.moved_at", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let released = figures::aggregate(tx, &moves("release"), &frame.zone).await?;
        table.counts("released", Unit::Count, &released, 0);
        let claimed = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::PoolClaims,
                owner: "pool_claims.user_id",
                owners: owners.as_deref(),
                keys: vec![key("pool_claims.user_id", "pool_claims.claimed_at")],
                currency: None,
                measures: vec![Measure::Count],
                filters: vec![Filter::Between("pool_claims.claimed_at", from, to)],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.counts("claimed", Unit::Count, &claimed, 0);
        let assigned = figures::aggregate(tx, &moves("assign"), &frame.zone).await?;
        table.counts("assigned", Unit::Count, &assigned, 0);
        Ok(())
    }

    pub(super) async fn follow_ups_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::FollowUp);
        let (from, to) = frame.at;
        let key = match by {
            "department" => Key::DepartmentOf("follow_ups.author_id"),
            "method" => Key::Column("follow_ups.method_id"),
            "month" => Key::Instant("follow_ups.happened_at", Bucket::Month),
            _ => Key::Column("follow_ups.author_id"),
        };
        let rows = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::FollowUps,
                owner: "follow_ups.author_id",
                owners: owners.as_deref(),
                keys: vec![key],
                currency: None,
                measures: vec![
                    Measure::Count,
                    Measure::Distinct(
                        "(follow_ups.kind || '-' || cast(follow_ups.record_id as text))",
                    ),
                ],
                filters: vec![Filter::Between("follow_ups.happened_at", from, to)],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.counts("follow_ups", Unit::Count, &rows, 0);
        table.counts("records_followed", Unit::Count, &rows, 1);
        let distinct = table.column("records_followed", Unit::Count, None, None);
        table.not_additive(distinct);
        Ok(())
    }
}
