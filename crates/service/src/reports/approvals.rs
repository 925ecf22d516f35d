//! Approval statistics.

use super::*;

impl App {
    pub(super) async fn approvals_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        // Approvals count for the people whose contracts the viewer sees.
        let owners = frame.whose.owners(caller, Kind::Contract);
        let (from, to) = frame.at;
        let run = |extra: Vec<Filter>, measures: Vec<Measure>| {
            let mut filters = vec![Filter::Between("approvals.created_at", from, to)];
            filters.extend(extra);
            Aggregate {
                source: Source::Approvals,
                owner: "approvals.submitter_id",
                owners: owners.as_deref(),
                keys: vec![if by == "submitter" {
                    Key::Column("approvals.submitter_id")
                } else {
                    Key::Column("approvals.kind")
                }],
                currency: None,
                measures,
                filters,
                limit: GROUP_LIMIT,
            }
        };
        let all =
            figures::aggregate(tx, &run(Vec::new(), vec![Measure::Count]), &frame.zone).await?;
        table.counts("submitted", Unit::Count, &all, 0);
        for status in ["approved", "rejected", "in_progress", "withdrawn"] {
            let rows = figures::aggregate(
                tx,
                &run(
                    vec![Filter::Eq("approvals.status", status.into())],
                    vec![Measure::Count],
                ),
                &frame.zone,
            )
            .await?;
            table.counts(status, Unit::Count, &rows, 0);
        }
        // Decided: approved or rejected; the approved share is approved out
        // of decided, as the approval statistics' pass rate is, so neither
        // counts approvals withdrawn or still in progress.
        let decided = figures::aggregate(
            tx,
            &run(
                vec![Filter::In(
                    "approvals.status",
                    vec!["approved".into(), "rejected".into()],
                )],
                vec![Measure::Count],
            ),
            &frame.zone,
        )
        .await?;
        table.counts("decided", Unit::Count, &decided, 0);
        table.rate("approval_rate", 1, 5);
        let finished = figures::aggregate(
            tx,
            &run(
                vec![Filter::NotNull("approvals.finished_at")],
                vec![
                    Measure::Count,
                    Measure::Seconds("approvals.created_at", "approvals.finished_at"),
                ],
            ),
            &frame.zone,
        )
        .await?;
        // The average time to a decision, in tenths of an hour.
        let column = table.column("hours_to_decide", Unit::Hours, None, None);
        table.not_additive(column);
        for row in &finished {
            if row.m1 > 0 {
                table.put(
                    (row.k1.clone(), None),
                    column,
                    (row.m2 * 10 + row.m1 * 1800) / (row.m1 * 3600),
                );
            }
        }
        Ok(())
    }
}
