//! Recycling: owned customers that a pool's rules say are neglected go back
//! into that pool, and their owners are warned some days before. Run by the
//! daily job; safe to run again and from several instances at once.
//!
//! A pool's rules apply to the customers of its members; a user who is a
//! member of several pools with recycle rules is governed by the first of
//! them (by id), and their customers go back into that pool.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use kuijing_domain::pool::{CustomerDates, RecycleKind, Verdict};
use kuijing_domain::{Change, ChangeAction, FieldChange, Kind};
use kuijing_store::notifications::{self, NewNotification};
use kuijing_store::recycling::{self, OwnedCustomer};
use kuijing_store::{Tx, change_logs, departments, pool_customers};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::error::Result;
use crate::pools::{LoadedPool, load_pools};
use crate::{App, Caller};

/// How many customers are read at once.
const PAGE: u64 = 500;

/// How far ahead "soon back in the pool" looks when a pool sends no reminder.
const SOON_DAYS: i64 = 7;

/// What one run of the recycle rules did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecycleRun {
    pub recycled: u64,
    pub reminders: u64,
}

/// One of the caller's customers that goes back to a pool soon.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueCustomer {
    pub id: i64,
    pub name: String,
    /// When it goes back, unless the owner acts before.
    pub due_at: DateTime<Utc>,
    /// The rule that sends it back.
    pub reason: RecycleKind,
    /// Since when that rule's days count: the later of the last act it
    /// looks for and the day the owner got the customer.
    pub counted_from: DateTime<Utc>,
    pub pool_id: i64,
    pub pool_name: String,
}

/// Which customers of one owner go back now, and which to warn of.
#[derive(Debug, Default)]
struct OwnerVerdicts {
    recycle: Vec<(i64, RecycleKind)>,
    remind: Vec<(i64, DateTime<Utc>)>,
    soon: Vec<(OwnedCustomer, RecycleKind, DateTime<Utc>, DateTime<Utc>)>,
}

impl App {
    /// Applies every pool's recycle rules once: recycles the customers that
    /// are due and warns owners of those due within the pool's reminder days.
    pub async fn recycle_pools(&self) -> Result<RecycleRun> {
        let (pools, governed) = {
            let mut tx = self.db.read().await?;
            let pools = load_pools(&mut tx).await?;
            let org = departments::org_chart(&mut tx).await?;
            let mut governed: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
            for user in org.user_ids() {
                if let Some(pool) = governing_pool(&pools, user, &org) {
                    governed.entry(pool.id).or_default().push(user);
                }
            }
            (pools, governed)
        };
        let mut run = RecycleRun::default();
        for pool in pools.iter().filter(|p| governed.contains_key(&p.id)) {
            let mut owners = governed.get(&pool.id).cloned().unwrap_or_default();
            owners.sort_unstable();
            for owner in owners {
                let verdicts = self.owner_verdicts(pool, owner).await?;
                if verdicts.recycle.is_empty() && verdicts.remind.is_empty() {
                    continue;
                }
                let done = self.apply_verdicts(pool, owner, &verdicts).await?;
                run.recycled += done.recycled;
                run.reminders += done.reminders;
            }
        }
        Ok(run)
    }

    /// The caller's customers that go back to a pool soon, soonest first.
    pub async fn recycling_soon(&self, caller: &Caller) -> Result<Vec<DueCustomer>> {
        let pool = {
            let mut tx = self.db.read().await?;
            let pools = load_pools(&mut tx).await?;
            let org = departments::org_chart(&mut tx).await?;
            governing_pool(&pools, caller.user.id, &org).cloned()
        };
        let Some(pool) = pool else {
            return Ok(Vec::new());
        };
        let window = pool
            .rules
            .remind_days
            .filter(|d| *d > 0)
            .unwrap_or(SOON_DAYS);
        let horizon = self.now() + Duration::days(window);
        let mut due: Vec<DueCustomer> = self
            .owner_verdicts(&pool, caller.user.id)
            .await?
            .soon
            .into_iter()
            .filter(|(_, _, at, _)| *at <= horizon)
            .map(|(customer, reason, due_at, counted_from)| DueCustomer {
                id: customer.id,
                name: customer.name,
                due_at,
                reason,
                counted_from,
                pool_id: pool.id,
                pool_name: pool.name.clone(),
            })
            .collect();
        due.sort_by_key(|d| (d.due_at, d.id));
        Ok(due)
    }

    /// Reads one owner's customers a page at a time and judges each.
    async fn owner_verdicts(&self, pool: &LoadedPool, owner: i64) -> Result<OwnerVerdicts> {
        let now = self.now();
        let mut verdicts = OwnerVerdicts::default();
        let Some(quiet) = pool.rules.quiet_days() else {
            return Ok(verdicts);
        };
        // Customers owned for less than this cannot be due, nor be warned.
        let lookahead = pool.rules.remind_days.unwrap_or(0).max(SOON_DAYS);
        let owned_before = now - Duration::days(quiet) + Duration::days(lookahead);
        let mut tx = self.db.read().await?;
        let mut after = 0;
        loop {
            let page = recycling::owned_page(&mut tx, &[owner], owned_before, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
            let opportunities =
                latest_by_customer(recycling::last_opportunities(&mut tx, &ids).await?);
            let wins = latest_by_customer(recycling::last_wins(&mut tx, &ids).await?);
            for customer in page {
                let dates = CustomerDates {
                    owned_since: customer.owned_since.unwrap_or(customer.created_at),
                    last_follow_up_at: customer.last_follow_up_at,
                    last_opportunity_at: opportunities.get(&customer.id).copied(),
                    last_won_at: [customer.dealt_at, wins.get(&customer.id).copied()]
                        .into_iter()
                        .flatten()
                        .max(),
                    level_id: customer.level_id,
                    locked: customer.locked,
                    dealt: customer.dealt,
                };
                match pool.rules.verdict(&dates, now) {
                    Verdict::Recycle { kind } => verdicts.recycle.push((customer.id, kind)),
                    Verdict::RemindSoon { due_at, .. }
                        if customer
                            .recycle_reminded_for
                            .is_none_or(|r| r.timestamp() != due_at.timestamp()) =>
                    {
                        verdicts.remind.push((customer.id, due_at));
                    }
                    _ => {}
                }
                if let Some((kind, due_at, from)) = pool.rules.due_counted(&dates) {
                    verdicts.soon.push((customer, kind, due_at, from));
                }
            }
        }
        Ok(verdicts)
    }

    /// Recycles and warns for one owner in one transaction. Every write is
    /// guarded on the owner read, so a customer another instance recycled
    /// meanwhile, or one the owner gave away, is left alone.
    async fn apply_verdicts(
        &self,
        pool: &LoadedPool,
        owner: i64,
        verdicts: &OwnerVerdicts,
    ) -> Result<RecycleRun> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        let mut run = RecycleRun::default();
        for (customer, kind) in &verdicts.recycle {
            if pool_customers::recycle(&mut tx, pool.id, *customer, owner, now).await? {
                log_recycled(&mut tx, (*customer, owner), pool.id, *kind, now).await?;
                run.recycled += 1;
            }
        }
        let mut warned = 0;
        for (customer, due) in &verdicts.remind {
            if recycling::mark_reminded(&mut tx, *customer, owner, *due).await? {
                warned += 1;
            }
        }
        if warned > 0 {
            let new = NewNotification {
                user_id: owner,
                kind: "pool_recycle_soon",
                record_kind: "pool",
                record_id: pool.id,
                params: json!({
                    "count": warned,
                    "pool": pool.name,
                    "days": pool.rules.remind_days.unwrap_or(0),
                })
                .to_string(),
                dedupe_key: now.timestamp().to_string(),
            };
            run.reminders += u64::from(notifications::notify(&mut tx, &new, now).await?);
        }
        tx.commit().await?;
        if run.recycled > 0 || warned > 0 {
            tracing::info!(
                pool.id = pool.id,
                owner.id = owner,
                recycled = run.recycled,
                warned,
                "pool recycle rules applied"
            );
        }
        Ok(run)
    }
}

/// The pool whose rules govern a user's customers: the first (by id) of the
/// pools with recycle rules that the user is a member of.
fn governing_pool<'a>(
    pools: &'a [LoadedPool],
    user: i64,
    org: &kuijing_domain::OrgChart,
) -> Option<&'a LoadedPool> {
    pools
        .iter()
        .find(|p| p.rules.recycles() && p.members.includes(user, org))
}

fn latest_by_customer(rows: Vec<(i64, DateTime<Utc>)>) -> BTreeMap<i64, DateTime<Utc>> {
    rows.into_iter().collect()
}

/// The change-log entry of a recycled customer: no one acted, the rule did.
async fn log_recycled(
    tx: &mut Tx,
    (customer, owner): (i64, i64),
    pool: i64,
    kind: RecycleKind,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut fields = vec![
        FieldChange {
            field: "owner_id".into(),
            old: Some(owner.to_string()),
            new: None,
        },
        FieldChange {
            field: "pool_id".into(),
            old: None,
            new: Some(pool.to_string()),
        },
        FieldChange {
            field: "recycle_reason".into(),
            old: None,
            new: Some(kind.as_str().to_string()),
        },
    ];
    crate::changelog::readable(tx, &mut fields).await?;
    let change = Change {
        kind: Kind::Customer,
        record_id: customer,
        action: ChangeAction::Update,
        fields,
    };
    change_logs::append(tx, &change, None, None, now).await?;
    Ok(())
}
