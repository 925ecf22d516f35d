//! The funnel and win rates.

use super::*;

/// The funnel report's rows after its stages: what was won and lost in the
/// period.
pub(super) const FUNNEL_OUTCOMES: [&str; 2] = ["won", "lost"];

impl App {
    pub(super) async fn funnel_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        pipeline: Option<i64>,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Opportunity);
        let usable = self.pipelines_in(tx, caller).await?;
        let chosen = match pipeline {
            Some(id) => usable
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| invalid("pipeline_id", "pipeline_not_visible"))?,
            None => match usable
                .iter()
                .find(|p| p.is_default && p.active)
                .or(usable.first())
            {
                Some(p) => p,
                None => return Ok(()),
            },
        };
        // The stages, then what was won and lost in the period as rows of
        // their own: a closed opportunity keeps the stage it was closed at,
        // but its figures are never a stage's.
        let stage_keys: Vec<String> = chosen.stages.iter().map(|s| s.id.to_string()).collect();
        table.fixed_keys = stage_keys.clone();
        table
            .fixed_keys
            .extend(FUNNEL_OUTCOMES.iter().map(|o| o.to_string()));
        for key in ["open", "open_amount", "stage_win_rate", "forecast"] {
            table.only_in(key, &stage_keys);
        }
        // Only open opportunities stand at a stage. Each stage's amounts are
        // also weighted by its win rate in the database (amount × rate).
        let open = figures::aggregate(
            tx,
            &Aggregate {
                source: Source::OpportunitiesAtStages,
                owner: "opportunities.owner_id",
                owners: owners.as_deref(),
                keys: vec![Key::Column("opportunities.stage_id")],
                currency: Some("opportunities.currency"),
                measures: vec![
                    Measure::Count,
                    Measure::Sum("opportunities.amount"),
                    Measure::Sum("opportunities.amount * stages.win_rate"),
                ],
                filters: vec![
                    Filter::Eq("opportunities.pipeline_id", chosen.id.into()),
                    Filter::Eq("opportunities.outcome", "open".into()),
                ],
                limit: GROUP_LIMIT,
            },
            &frame.zone,
        )
        .await?;
        table.counts("open", Unit::Count, &open, 0);
        table.money("open_amount", &open, 1, &frame.currency);
        let rate = table.column("stage_win_rate", Unit::Percent, None, None);
        table.not_additive(rate);
        for stage in &chosen.stages {
            table.put(
                (Some(stage.id.to_string()), None),
                rate,
                stage.win_rate * 10,
            );
        }
        // The forecast: rates are percentages, divided once per stage after
        // summing, half up, as the dashboard does.
        let forecast: Vec<Grouped> = open
            .iter()
            .map(|row| Grouped {
                m1: (row.m3 + 50).div_euclid(100),
                ..row.clone()
            })
            .collect();
        table.money("forecast", &forecast, 0, &frame.currency);
        // Won and lost in the period, each in its own row and columns,
        // never added to the open figures.
        let (from, to) = frame.at;
        for outcome in FUNNEL_OUTCOMES {
            let closed = figures::aggregate(
                tx,
                &Aggregate {
                    source: Source::Opportunities,
                    owner: "opportunities.owner_id",
                    owners: owners.as_deref(),
                    keys: vec![Key::Column("opportunities.outcome")],
                    currency: Some("opportunities.currency"),
                    measures: vec![Measure::Count, Measure::Sum("opportunities.amount")],
                    filters: vec![
                        Filter::Eq("opportunities.pipeline_id", chosen.id.into()),
                        Filter::Eq("opportunities.outcome", outcome.into()),
                        Filter::Between("opportunities.closed_at", from, to),
                    ],
                    limit: GROUP_LIMIT,
                },
                &frame.zone,
            )
            .await?;
            let row = [outcome.to_string()];
            table.counts(outcome, Unit::Count, &closed, 0);
            table.only_in(outcome, &row);
            let amount = format!("{outcome}_amount");
            table.money(&amount, &closed, 1, &frame.currency);
            table.only_in(&amount, &row);
        }
        Ok(())
    }

    pub(super) async fn win_rates_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        let owners = frame.whose.owners(caller, Kind::Opportunity);
        let (from, to) = frame.at;
        let run = |outcome: &str| Aggregate {
            source: Source::Opportunities,
            owner: "opportunities.owner_id",
            owners: owners.as_deref(),
            keys: vec![match by {
                "department" => Key::DepartmentOf("opportunities.owner_id"),
                "month" => Key::Instant("opportunities.closed_at", Bucket::Month),
                _ => Key::Column("opportunities.owner_id"),
            }],
            currency: Some("opportunities.currency"),
            measures: vec![Measure::Count, Measure::Sum("opportunities.amount")],
            filters: vec![
                Filter::Eq("opportunities.outcome", outcome.to_string().into()),
                Filter::Between("opportunities.closed_at", from, to),
            ],
            limit: GROUP_LIMIT,
        };
        let won = figures::aggregate(tx, &run("won"), &frame.zone).await?;
        table.counts("won", Unit::Count, &won, 0);
        let lost = figures::aggregate(tx, &run("lost"), &frame.zone).await?;
        table.counts("lost", Unit::Count, &lost, 0);
        // Closed: won and lost together, the base of the rate.
        table.counts("closed", Unit::Count, &won, 0);
        table.counts("closed", Unit::Count, &lost, 0);
        table.rate("win_rate", 0, 2);
        table.money("won_amount", &won, 1, &frame.currency);
        Ok(())
    }
}
