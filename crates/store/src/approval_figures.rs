//! The approval figures (the statistics and the approvals report), counted
//! by the database from the history:
//!
//! * A submission is each time a record is put into its flow: the first
//!   submit and every resubmission.
//! * Approve and reject decisions are the approvers' own acts, one each.
//! * A submission ends approved (the flow's last step passed), rejected (a
//!   rejection ends it) or withdrawn.
//! * A step lasts from its start until it passes (the next step starts, or
//!   the approval is approved) or is rejected; a step withdrawn or
//!   submitted again meanwhile is not counted. Its time is whole seconds,
//!   cut down.
//! * An approval in progress counts when its last submission does.
//! * A record approved on submit because its kind had no active flow was
//!   decided by nobody: it counts apart (`approved_without_flow`), in none
//!   of the other figures.
//!
//! Each figure counts what happened within the period asked for (all time
//! without one).

use chrono::{DateTime, Utc};

use crate::db::{Backend, Bound, Tx};
use crate::error::Result;

/// Which approvals count and how they are grouped.
#[derive(Debug, Clone, Default)]
pub struct FigureQuery<'a> {
    /// Group by submitter (their id as text) rather than by kind.
    pub by_submitter: bool,
    /// Count what happened from the first instant up to the second.
    pub within: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Only the approvals these users submitted (all when `None`)...
    pub submitters: Option<&'a [i64]>,
    /// ...and, beside them, those this user held a seat on: waited for,
    /// acted on or was handed.
    pub seated: Option<i64>,
}

/// The figures of a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupFigures {
    pub grp: String,
    pub submissions: i64,
    pub approve_decisions: i64,
    pub reject_decisions: i64,
    /// Submissions that ended approved.
    pub approved: i64,
    /// Submissions withdrawn by their submitter.
    pub withdrawn: i64,
    /// Approvals in progress now whose last submission counts.
    pub in_progress: i64,
    /// Steps that passed or were rejected, and their time in seconds.
    pub steps: i64,
    pub step_seconds: i64,
    /// Records approved on submit, with no active flow.
    pub approved_without_flow: i64,
}

/// Whole seconds from `from` to `to` (cut down, never below 0), as the
/// database keeps instants: PostgreSQL as timestamps, SQLite as RFC 3339
/// text whose fraction has up to nine digits.
fn seconds_between(backend: Backend, from: &str, to: &str) -> String {
    match backend {
        Backend::Postgres => {
            format!("cast(greatest(0, floor(extract(epoch from ({to} - {from})))) as bigint)")
        }
        Backend::Sqlite => {
            let nanos = |c: &str| {
                format!(
                    "(cast(strftime('%s', {c}) as integer) * 1000000000 + case when substr({c}, 20, 1) = '.' \
                     then cast(substr(substr({c}, 21, instr(substr({c}, 21), '+') - 1) || '000000000', 1, 9) as integer) \
                     else 0 end)"
                )
            };
            format!("max(0, ({} - {}) / 1000000000)", nanos(to), nanos(from))
        }
    }
}

/// Which approvals count, as a condition on `approvals a`, its values
/// added to `values`.
fn scope(query: &FigureQuery<'_>, values: &mut Vec<Bound>) -> String {
    let Some(submitters) = query.submitters else {
        return "1 = 1".into();
    };
    let mut any = Vec::new();
    if !submitters.is_empty() {
        any.push(format!(
            "a.submitter_id in ({})",
            vec!["?"; submitters.len()].join(", ")
        ));
        values.extend(submitters.iter().map(|id| Bound::Int(*id)));
    }
    if let Some(user) = query.seated {
        any.push(
            "exists (select 1 from approval_waits w where w.approval_id = a.id and w.user_id = ?)"
                .into(),
        );
        any.push(
            "exists (select 1 from approval_actions h where h.approval_id = a.id \
             and (h.actor_id = ? or h.target_id = ?))"
                .into(),
        );
        values.extend([Bound::Int(user), Bound::Int(user), Bound::Int(user)]);
    }
    if any.is_empty() {
        "1 = 0".into()
    } else {
        format!("({})", any.join(" or "))
    }
}

/// The approvals that count (records approved on submit without a flow
/// left out), per kind and status now, for the statistics' totals.
pub async fn standing(tx: &mut Tx, query: &FigureQuery<'_>) -> Result<Vec<(String, String, i64)>> {
    let mut values = Vec::new();
    let scope = scope(query, &mut values);
    let sql = format!(
        "select a.kind, a.status, cast(count(*) as bigint) from approvals a
         where a.flow_id is not null and {scope}
         group by a.kind, a.status order by a.kind, a.status"
    );
    tx.all_sql(&sql, &values).await
}

/// The figures of every group with anything to count, by group.
pub async fn figures(tx: &mut Tx, query: &FigureQuery<'_>) -> Result<Vec<GroupFigures>> {
    let backend = tx.backend();
    let mut values: Vec<Bound> = Vec::new();
    let scope = scope(query, &mut values);
    let group = if query.by_submitter {
        "cast(a.submitter_id as text)"
    } else {
        "a.kind"
    };
    // When a row counts: within the period.
    let within = |column: &str, values: &mut Vec<Bound>| match query.within {
        Some((from, to)) => {
            values.extend([Bound::At(from), Bound::At(to)]);
            format!("({column} >= ? and {column} < ?)")
        }
        None => "1 = 1".into(),
    };
    let acts_within = within("x.created_at", &mut values);
    let steps_within = within("s.created_at", &mut values);
    let last_within = within("l.created_at", &mut values);
    let seconds = seconds_between(backend, "s.prev_at", "s.created_at");
    let sum = |condition: &str| {
        format!("cast(coalesce(sum(case when {condition} then 1 else 0 end), 0) as bigint)")
    };
    let sql = format!(
        "with counted as (
            select a.id, {group} as grp, a.flow_id is not null as flowed, a.status
            from approvals a where {scope}
        ),
        acts as (
            select c.grp, c.flowed, x.action, cast(null as bigint) as seconds
            from approval_actions x join counted c on c.id = x.approval_id
            where x.action in ('submitted', 'resubmitted', 'approve', 'reject', 'approved', 'withdraw')
              and {acts_within}
        ),
        marks as (
            select x.approval_id, x.action, x.created_at,
                lag(x.action) over (partition by x.approval_id order by x.id) as prev_action,
                lag(x.created_at) over (partition by x.approval_id order by x.id) as prev_at
            from approval_actions x join counted c on c.id = x.approval_id
            where x.action in ('submitted', 'resubmitted', 'step_started', 'reject', 'approved', 'withdraw', 'withdrawn')
        ),
        steps as (
            select c.grp, c.flowed, 'step' as action, {seconds} as seconds
            from marks s join counted c on c.id = s.approval_id
            where s.prev_action = 'step_started' and s.action in ('step_started', 'reject', 'approved')
              and {steps_within}
        ),
        waiting_now as (
            select c.grp, c.flowed, 'waiting' as action, cast(null as bigint) as seconds
            from counted c
            where c.status = 'in_progress' and exists (
                select 1 from approval_actions l where l.id = (
                    select max(m.id) from approval_actions m
                    where m.approval_id = c.id and m.action in ('submitted', 'resubmitted')
                ) and {last_within}
            )
        ),
        everything as (
            select * from acts union all select * from steps union all select * from waiting_now
        )
        select grp,
            {submissions} as submissions,
            {approve} as approve_decisions,
            {reject} as reject_decisions,
            {approved} as approved,
            {withdrawn} as withdrawn,
            {waiting} as in_progress,
            {step} as steps,
            cast(coalesce(sum(case when flowed and action = 'step' then seconds else 0 end), 0) as bigint) as step_seconds,
            {without} as approved_without_flow
        from everything
        group by grp
        order by grp",
        submissions = sum("flowed and action in ('submitted', 'resubmitted')"),
        approve = sum("flowed and action = 'approve'"),
        reject = sum("flowed and action = 'reject'"),
        approved = sum("flowed and action = 'approved'"),
        withdrawn = sum("flowed and action = 'withdraw'"),
        waiting = sum("flowed and action = 'waiting'"),
        step = sum("flowed and action = 'step'"),
        without = sum("not flowed and action = 'approved'"),
    );
    let rows: Vec<GroupFigures> = tx.all_sql(&sql, &values).await?;
    Ok(rows
        .into_iter()
        .filter(|row| {
            *row != GroupFigures {
                grp: row.grp.clone(),
                ..GroupFigures::default()
            }
        })
        .collect())
}
