//! What users do with the customers of a pool: list, claim, assign and move.

use chrono::{Datelike, Duration};
use kuijing_domain::pool::ClaimCounts;
use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission, UserStatus};
use kuijing_store::{departments, pool_customers, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::customers::{CustomerListQuery, CustomerView};
use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    pub ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    pub ids: Vec<i64>,
    pub user_id: i64,
}

/// Customers waiting in a pool, moved into another (its own name in the
/// API document, apart from an opportunity's stage move).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PoolMoveInput)]
pub struct MoveInput {
    /// The customers to move, each waiting in the pool of the path.
    pub ids: Vec<i64>,
    /// The pool they go into.
    pub to_pool_id: i64,
}

/// Which customers a claim, an assignment or a move got, and which were
/// no longer there (someone else took or moved them first).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimResult {
    pub claimed: Vec<i64>,
    pub taken: Vec<i64>,
    /// Customers the claimant (or, for an assignment, the recipient)
    /// already owns.
    pub owned: Vec<i64>,
    /// Customers the caller let go and may claim again only after the
    /// pool's wait (a claim's answer only).
    pub waiting: Vec<ClaimWait>,
}

/// Which customers a move took into the other pool, and which were not
/// waiting in the pool it moves from (no such customer, owned by someone,
/// or in another pool).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PoolMoveResult)]
pub struct MoveResult {
    pub moved: Vec<i64>,
    pub not_in_pool: Vec<i64>,
}

/// The ids once each, in the order first named: a customer named twice
/// is claimed, assigned or moved once and counts once against a limit.
fn once(ids: &[i64]) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// A customer its former owner may claim again from a day on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimWait {
    pub id: i64,
    /// The customer's name (it waits in a pool the caller sees).
    pub name: String,
    /// The pool's wait for former owners, in days.
    pub wait_days: i64,
    /// The first day (in the company's zone) the claim is allowed.
    pub claimable_on: chrono::NaiveDate,
}

impl ClaimResult {
    /// What was not claimed, each customer under its own reason, as field
    /// errors (`ids.<id>`) for a message.
    pub fn problems(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for wait in &self.waiting {
            errors.push(
                FieldError::new(format!("ids.{}", wait.id), "reclaim_wait")
                    .labelled(&wait.name)
                    .with("days", wait.wait_days)
                    .with("date", wait.claimable_on),
            );
        }
        for id in &self.taken {
            errors.push(
                FieldError::new(format!("ids.{id}"), "claim_taken").labelled(&format!("#{id}")),
            );
        }
        for id in &self.owned {
            errors.push(
                FieldError::new(format!("ids.{id}"), "claim_owned").labelled(&format!("#{id}")),
            );
        }
        errors
    }
}

impl App {
    /// The customers waiting in a pool the caller sees.
    pub async fn list_pool_customers(
        &self,
        caller: &Caller,
        pool: i64,
        query: &CustomerListQuery,
    ) -> Result<ListPage<CustomerView>> {
        {
            let mut tx = self.db.read().await?;
            self.visible_pool(&mut tx, caller, pool).await?;
        }
        self.list_customers_in(caller, Some(pool), query).await
    }

    /// The customers of a pool that the caller let go and may claim again
    /// only from a day on (the pool's wait for former owners), by id.
    pub async fn reclaim_waits(
        &self,
        caller: &Caller,
        pool: i64,
    ) -> Result<std::collections::BTreeMap<i64, chrono::NaiveDate>> {
        let mut tx = self.db.read().await?;
        let rules = self.visible_pool(&mut tx, caller, pool).await?.rules;
        let wait = rules.reclaim_wait_days.unwrap_or(0);
        if wait <= 0 {
            return Ok(Default::default());
        }
        let after = self.now() - Duration::days(wait);
        let zone = self.time_zone();
        Ok(
            pool_customers::released_by_since(&mut tx, pool, caller.user.id, after)
                .await?
                .into_iter()
                .map(|(id, released)| {
                    let free = released + Duration::days(wait);
                    (id, free.with_timezone(&zone).date_naive())
                })
                .collect(),
        )
    }

    /// Takes customers from a pool. Each is one atomic update, so of two
    /// people claiming one customer at once exactly one gets it; the claim
    /// limits are counted after locking the claimer, so they hold too.
    pub async fn claim_from_pool(
        &self,
        caller: &Caller,
        pool: i64,
        input: ClaimInput,
    ) -> Result<ClaimResult> {
        caller.require(Permission::new(Kind::Pool, Action::Claim))?;
        let input = ClaimInput {
            ids: once(&input.ids),
        };
        if input.ids.is_empty() {
            return Err(FieldErrors::from(FieldError::new("ids", "required")).into());
        }
        let mut tx = self.db.write().await?;
        let rules = self.visible_pool(&mut tx, caller, pool).await?.rules;
        pool_customers::lock_user(&mut tx, caller.user.id).await?;

        let today = self.today();
        let week = today - Duration::days(today.weekday().num_days_from_monday() as i64);
        let month = today.with_day(1).unwrap_or(today);
        let user = caller.user.id;
        let counts = ClaimCounts {
            today: pool_customers::claims_since(&mut tx, user, self.start_of(today)).await?,
            this_week: pool_customers::claims_since(&mut tx, user, self.start_of(week)).await?,
            this_month: pool_customers::claims_since(&mut tx, user, self.start_of(month)).await?,
            owned: pool_customers::owned_by(&mut tx, user).await?,
        };
        let roles = users::role_ids(&mut tx, user).await?;
        // Only customers still waiting for the caller count against the
        // limits: one already theirs or taken by someone else is named so,
        // not refused for a limit. Only these are tried below, so a
        // customer that comes back meanwhile is not claimed uncounted.
        let now = self.now();
        let free_after = now - Duration::days(rules.reclaim_wait_days.unwrap_or(0));
        let mut claimable = Vec::new();
        for id in &input.ids {
            let waits = pool_customers::released_by(&mut tx, pool, *id, user)
                .await?
                .is_some_and(|(released, _)| released > free_after);
            if !waits && pool_customers::waiting_in(&mut tx, pool, *id).await? {
                claimable.push(*id);
            }
        }
        if let Some(room) = rules
            .tightest(&roles, counts)
            .filter(|room| !claimable.is_empty() && room.left < claimable.len() as i64)
        {
            return Err(ServiceError::RefusedWith {
                code: room.kind.code(),
                params: vec![
                    ("limit", room.limit.to_string()),
                    ("left", room.left.to_string()),
                    ("asked", input.ids.len().to_string()),
                ],
            });
        }

        let mut result = ClaimResult {
            claimed: Vec::new(),
            taken: Vec::new(),
            owned: Vec::new(),
            waiting: Vec::new(),
        };
        for id in &input.ids {
            if claimable.contains(id)
                && pool_customers::claim(&mut tx, pool, *id, user, free_after, now).await?
            {
                result.claimed.push(*id);
                let owner = Some(user.to_string());
                self.log_update(
                    &mut tx,
                    caller,
                    Kind::Customer,
                    *id,
                    "owner_id",
                    None,
                    owner,
                )
                .await?;
            } else if let Some((released, name)) =
                pool_customers::released_by(&mut tx, pool, *id, user).await?
                && released > free_after
            {
                let wait_days = rules.reclaim_wait_days.unwrap_or(0);
                let free_at = released + Duration::days(wait_days);
                result.waiting.push(ClaimWait {
                    id: *id,
                    name,
                    wait_days,
                    claimable_on: free_at.with_timezone(&self.time_zone()).date_naive(),
                });
            } else if pool_customers::owns(&mut tx, user, *id).await? {
                result.owned.push(*id);
            } else {
                result.taken.push(*id);
            }
        }
        if result.claimed.is_empty() && !(result.waiting.is_empty() && result.owned.is_empty()) {
            return Err(ServiceError::Invalid(result.problems()));
        }
        if result.claimed.is_empty() {
            // Ids that were never in this pool are not found, not "taken",
            // so a claim does not tell that a customer exists elsewhere.
            let mut known = false;
            for id in &result.taken {
                known |= self.pool_customer_seen(&mut tx, caller, pool, *id).await?;
            }
            if !known {
                return Err(ServiceError::NotFound);
            }
            return Err(ServiceError::Refused {
                code: "customer_taken",
            });
        }
        tx.commit().await?;
        tracing::info!(
            pool.id = pool,
            claimed = result.claimed.len(),
            user.id = user,
            "claimed from pool"
        );
        Ok(result)
    }

    /// Gives pool customers to a user: the pool's administrators may, and
    /// so may members who hold the permission to assign. The recipient's
    /// cap on owned customers holds.
    pub async fn assign_from_pool(
        &self,
        caller: &Caller,
        pool: i64,
        input: AssignInput,
    ) -> Result<ClaimResult> {
        let input = AssignInput {
            ids: once(&input.ids),
            ..input
        };
        let mut tx = self.db.write().await?;
        let loaded = self.visible_pool(&mut tx, caller, pool).await?;
        if !loaded.administered_by(caller) {
            caller.require(Permission::new(Kind::Pool, Action::Assign))?;
        }
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        if input.ids.is_empty() {
            errors.add("ids", "required");
        }
        // A pool's administrator gives its customers to whoever belongs to
        // the pool; anyone else only to people whose customers they see.
        if loaded.administered_by(caller) && loaded.members.belongs(input.user_id, &org) {
            match users::for_actor(&mut tx, input.user_id).await? {
                Some((user, _)) if user.status == UserStatus::Active => {}
                Some(_) => errors.add("user_id", "user_disabled"),
                None => errors.add("user_id", "user_unknown"),
            }
        } else {
            self.check_owner(&mut tx, caller, &org, input.user_id, "user_id", &mut errors)
                .await?;
        }
        errors.into_result()?;
        pool_customers::lock_user(&mut tx, input.user_id).await?;
        let owned = pool_customers::owned_by(&mut tx, input.user_id).await?;
        if loaded
            .rules
            .cap_room(owned)
            .is_some_and(|room| room < input.ids.len() as i64)
        {
            return Err(FieldError::new("user_id", "owned_cap_reached").into());
        }

        let now = self.now();
        let mut result = ClaimResult {
            claimed: Vec::new(),
            taken: Vec::new(),
            owned: Vec::new(),
            waiting: Vec::new(),
        };
        for id in &input.ids {
            if pool_customers::assign(&mut tx, pool, *id, input.user_id, now).await? {
                result.claimed.push(*id);
                let owner = Some(input.user_id.to_string());
                self.log_update(
                    &mut tx,
                    caller,
                    Kind::Customer,
                    *id,
                    "owner_id",
                    None,
                    owner,
                )
                .await?;
            } else if pool_customers::owns(&mut tx, input.user_id, *id).await? {
                result.owned.push(*id);
            } else {
                result.taken.push(*id);
            }
        }
        tx.commit().await?;
        tracing::info!(
            pool.id = pool,
            assigned = result.claimed.len(),
            user.id = input.user_id,
            actor.id = caller.user.id,
            "assigned from pool"
        );
        Ok(result)
    }

    /// Moves waiting customers into another pool; for the administrators of
    /// the pool they leave, into a pool the administrator sees.
    pub async fn move_between_pools(
        &self,
        caller: &Caller,
        pool: i64,
        input: MoveInput,
    ) -> Result<MoveResult> {
        let input = MoveInput {
            ids: once(&input.ids),
            ..input
        };
        let mut tx = self.db.write().await?;
        let from = self.visible_pool(&mut tx, caller, pool).await?;
        if !from.administered_by(caller) {
            return Err(ServiceError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        if input.ids.is_empty() {
            errors.add("ids", "required");
        }
        let visible = self.visible_pools(&mut tx, caller).await?;
        let to = visible.iter().find(|p| p.id == input.to_pool_id);
        match to {
            None => errors.add("to_pool_id", "invalid_choice"),
            Some(to) if to.id == from.id => errors.add("to_pool_id", "same_pool"),
            Some(_) => {}
        }
        errors.into_result()?;

        let now = self.now();
        let moved =
            pool_customers::move_between(&mut tx, (pool, input.to_pool_id), &input.ids, now)
                .await?;
        for id in &moved {
            let (old, new) = (Some(pool.to_string()), Some(input.to_pool_id.to_string()));
            self.log_update(&mut tx, caller, Kind::Customer, *id, "pool_id", old, new)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(
            pool.id = pool,
            to_pool.id = input.to_pool_id,
            moved = moved.len(),
            actor.id = caller.user.id,
            "moved between pools"
        );
        let not_in_pool = input
            .ids
            .iter()
            .copied()
            .filter(|id| !moved.contains(id))
            .collect();
        Ok(MoveResult { moved, not_in_pool })
    }

    /// Whether the caller could have seen the customer in the pool: it is
    /// visible to them now, or was claimed from this pool by someone.
    async fn pool_customer_seen(
        &self,
        tx: &mut kuijing_store::Tx,
        caller: &Caller,
        pool: i64,
        id: i64,
    ) -> Result<bool> {
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let found = kuijing_store::customers::get(
            tx,
            &visibility,
            caller.user.id,
            self.today(),
            id,
            &[pool],
        )
        .await?;
        Ok(found.is_some() || pool_customers::was_claimed(tx, pool, id).await?)
    }
}
