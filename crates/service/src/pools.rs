//! The public pool: claim, assign, release, and the pool's rules.

use chrono::{Datelike, Duration};
use kuijing_domain::pool::{ClaimCounts, PoolRules};
use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldErrors, Kind, Permission, text,
};
use kuijing_store::{departments, pools, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::customers::{CustomerListQuery, CustomerView};
use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoolView {
    pub id: i64,
    pub name: String,
    pub rules: PoolRules,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolInput {
    pub name: Option<String>,
    pub rules: Option<PoolRules>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ClaimInput {
    pub ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AssignInput {
    pub ids: Vec<i64>,
    pub user_id: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReleaseInput {
    pub ids: Vec<i64>,
    /// The first pool when left out.
    pub pool_id: Option<i64>,
    pub reason: String,
}

/// Which customers a claim or assignment got, and which someone else took first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimResult {
    pub claimed: Vec<i64>,
    pub taken: Vec<i64>,
}

fn pool_view(pool: pools::Pool) -> Result<PoolView> {
    let rules = serde_json::from_str(&pool.rules)
        .map_err(|_| ServiceError::Internal(format!("pool `{}` rules", pool.id)))?;
    Ok(PoolView {
        id: pool.id,
        name: pool.name,
        rules,
    })
}

impl App {
    pub async fn list_pools(&self, caller: &Caller) -> Result<Vec<PoolView>> {
        caller.require(Permission::new(Kind::Pool, Action::View))?;
        let mut tx = self.db.read().await?;
        pools::list(&mut tx)
            .await?
            .into_iter()
            .map(pool_view)
            .collect()
    }

    pub async fn update_pool(
        &self,
        caller: &Caller,
        id: i64,
        input: PoolInput,
    ) -> Result<PoolView> {
        caller.require(Permission::new(Kind::Pool, Action::Manage))?;
        let mut tx = self.db.write().await?;
        let current = pool_view(
            pools::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?,
        )?;
        let mut errors = FieldErrors::new();
        let name = match input.name {
            Some(name) => errors.take("name", text::parse_name(&name, 50)),
            None => Some(current.name.clone()),
        };
        let rules = input.rules.unwrap_or(current.rules.clone());
        errors.take("rules", rules.check());
        errors.into_result()?;
        let name = name.unwrap_or_default();
        let encoded =
            serde_json::to_string(&rules).map_err(|e| ServiceError::Internal(e.to_string()))?;
        pools::set_rules(&mut tx, id, &name, &encoded, self.now()).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Pool,
            id,
            "rules",
            serde_json::to_string(&current.rules).ok(),
            Some(encoded),
        )
        .await?;
        tx.commit().await?;
        Ok(PoolView { id, name, rules })
    }

    /// The customers waiting in a pool.
    pub async fn list_pool_customers(
        &self,
        caller: &Caller,
        pool: i64,
        query: &CustomerListQuery,
    ) -> Result<ListPage<CustomerView>> {
        caller.require(Permission::new(Kind::Pool, Action::View))?;
        {
            let mut tx = self.db.read().await?;
            pools::get(&mut tx, pool)
                .await?
                .ok_or(ServiceError::NotFound)?;
        }
        self.list_customers_in(caller, Some(pool), query).await
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
        if input.ids.is_empty() {
            return Err(
                FieldErrors::from(kuijing_domain::FieldError::new("ids", "required")).into(),
            );
        }
        let mut tx = self.db.write().await?;
        let rules = pool_view(
            pools::get(&mut tx, pool)
                .await?
                .ok_or(ServiceError::NotFound)?,
        )?
        .rules;
        pools::lock_claimer(&mut tx, caller.user.id).await?;

        let today = self.today();
        let week = today - Duration::days(today.weekday().num_days_from_monday() as i64);
        let month = today.with_day(1).unwrap_or(today);
        let counts = ClaimCounts {
            today: pools::claims_since(&mut tx, caller.user.id, self.start_of(today)).await?,
            this_week: pools::claims_since(&mut tx, caller.user.id, self.start_of(week)).await?,
            this_month: pools::claims_since(&mut tx, caller.user.id, self.start_of(month)).await?,
            owned: pools::owned_by(&mut tx, caller.user.id).await?,
        };
        let roles = users::role_ids(&mut tx, caller.user.id).await?;
        if rules
            .room(&roles, counts)
            .is_some_and(|room| room < input.ids.len() as i64)
        {
            return Err(ServiceError::Refused {
                code: "claim_limit",
            });
        }

        let now = self.now();
        let free_after = now - Duration::days(rules.reclaim_wait_days.unwrap_or(0));
        let mut result = ClaimResult {
            claimed: Vec::new(),
            taken: Vec::new(),
        };
        for id in &input.ids {
            if pools::claim(&mut tx, pool, *id, caller.user.id, free_after, now).await? {
                result.claimed.push(*id);
                self.log_update(
                    &mut tx,
                    caller,
                    Kind::Customer,
                    *id,
                    "owner_id",
                    None,
                    Some(caller.user.id.to_string()),
                )
                .await?;
            } else {
                result.taken.push(*id);
            }
        }
        if result.claimed.is_empty() {
            // Ids that were never in this pool are not found, not "taken",
            // so a claim does not tell that a customer exists elsewhere.
            let org = departments::org_chart(&mut tx).await?;
            let visibility = caller.actor.visibility(Kind::Customer, &org);
            let today = self.today();
            let mut known = false;
            for id in &result.taken {
                let found = kuijing_store::customers::get(
                    &mut tx,
                    &visibility,
                    caller.user.id,
                    today,
                    *id,
                    &[pool],
                )
                .await?;
                // Claimed from this pool by someone: it was there, now it is taken.
                known |= found.is_some() || pools::was_claimed(&mut tx, pool, *id).await?;
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
            user.id = caller.user.id,
            "claimed from pool"
        );
        Ok(result)
    }

    /// Gives pool customers to a user.
    pub async fn assign_from_pool(
        &self,
        caller: &Caller,
        pool: i64,
        input: AssignInput,
    ) -> Result<ClaimResult> {
        caller.require(Permission::new(Kind::Pool, Action::Assign))?;
        let mut tx = self.db.write().await?;
        pools::get(&mut tx, pool)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        self.check_owner(&mut tx, caller, &org, input.user_id, "user_id", &mut errors)
            .await?;
        errors.into_result()?;
        let now = self.now();
        let mut result = ClaimResult {
            claimed: Vec::new(),
            taken: Vec::new(),
        };
        for id in &input.ids {
            if pools::assign(&mut tx, pool, *id, input.user_id, now).await? {
                result.claimed.push(*id);
                self.log_update(
                    &mut tx,
                    caller,
                    Kind::Customer,
                    *id,
                    "owner_id",
                    None,
                    Some(input.user_id.to_string()),
                )
                .await?;
            } else {
                result.taken.push(*id);
            }
        }
        tx.commit().await?;
        Ok(result)
    }

    /// An owner puts customers back into a pool, saying why.
    pub async fn release_to_pool(&self, caller: &Caller, input: ReleaseInput) -> Result<u64> {
        caller.require(Permission::new(Kind::Customer, Action::Release))?;
        let mut errors = FieldErrors::new();
        let reason = errors
            .take(
                "reason",
                text::parse_optional_text(Some(&input.reason), 500),
            )
            .flatten();
        if reason.is_none() && errors.is_empty() {
            errors.add("reason", "required");
        }
        if input.ids.is_empty() {
            errors.add("ids", "required");
        }
        errors.into_result()?;
        let mut tx = self.db.write().await?;
        let pool = match input.pool_id {
            Some(id) => {
                pools::get(&mut tx, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?
                    .id
            }
            None => pools::list(&mut tx)
                .await?
                .first()
                .map(|p| p.id)
                .ok_or(ServiceError::NotFound)?,
        };
        let mut owners = Vec::new();
        for id in &input.ids {
            let current = self.writable_customer(&mut tx, caller, *id).await?;
            if current.locked {
                return Err(ServiceError::Refused {
                    code: "customer_locked",
                });
            }
            owners.push(current.owner_id);
        }
        let released = pools::release(&mut tx, pool, &input.ids, self.now()).await?;
        for (id, owner) in input.ids.iter().zip(owners) {
            let fields = vec![
                FieldChange {
                    field: "owner_id".into(),
                    old: owner.map(|o| o.to_string()),
                    new: None,
                },
                FieldChange {
                    field: "release_reason".into(),
                    old: None,
                    new: reason.clone(),
                },
            ];
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Customer,
                    record_id: *id,
                    action: ChangeAction::Update,
                    fields,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(released)
    }
}
