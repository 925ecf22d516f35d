//! Public pools: which pools a user sees, and their settings (name,
//! members, administrators, rules). What happens to the customers in them is
//! in `pool_actions`; recycling in `recycling`.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_domain::pool::{PoolMembers, PoolRules};
use kuijing_domain::{Action, Kind, OrgChart, Permission};
use kuijing_store::pools::{self, ADMINISTRATOR, DEPARTMENT};
use kuijing_store::{Tx, departments, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

pub use crate::pool_actions::{AssignInput, ClaimInput, ClaimResult, MoveInput, MoveResult};
pub use crate::pool_release::ReleaseInput;

/// A pool as its members see it, with what the caller may do to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoolView {
    pub id: i64,
    pub name: String,
    pub rules: PoolRules,
    /// Users who are members by name.
    pub member_users: Vec<Named>,
    /// Departments whose users, and their sub-departments' users, are members.
    pub member_departments: Vec<Named>,
    pub administrators: Vec<Named>,
    /// Customers waiting in the pool.
    pub waiting: i64,
    /// Whether the caller may change the pool's settings.
    pub can_manage: bool,
    /// Whether the caller administers the pool (moves and assigns its customers).
    pub can_administer: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// A new pool, or the parts of one to change (left out: unchanged).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolInput {
    pub name: Option<String>,
    pub rules: Option<PoolRules>,
    pub member_users: Option<Vec<i64>>,
    pub member_departments: Option<Vec<i64>>,
    /// A new pool without administrators gets its creator.
    pub administrators: Option<Vec<i64>>,
}

/// A pool as read from the store, with its rules and members understood.
#[derive(Debug, Clone)]
pub(crate) struct LoadedPool {
    pub id: i64,
    pub name: String,
    pub rules: PoolRules,
    pub members: PoolMembers,
}

/// Every pool, oldest first, with rules and members.
pub(crate) async fn load_pools(tx: &mut Tx) -> Result<Vec<LoadedPool>> {
    let mut by_pool: BTreeMap<i64, PoolMembers> = BTreeMap::new();
    for row in pools::all_members(tx).await? {
        let members = by_pool.entry(row.pool_id).or_default();
        let set = match (row.role.as_str(), row.member_kind.as_str()) {
            (ADMINISTRATOR, _) => &mut members.administrators,
            (_, DEPARTMENT) => &mut members.departments,
            _ => &mut members.users,
        };
        set.insert(row.member_id);
    }
    let mut loaded = Vec::new();
    for pool in pools::list(tx).await? {
        let rules = serde_json::from_str(&pool.rules)
            .map_err(|_| ServiceError::Internal(format!("pool `{}` rules", pool.id)))?;
        loaded.push(LoadedPool {
            members: by_pool.remove(&pool.id).unwrap_or_default(),
            id: pool.id,
            name: pool.name,
            rules,
        });
    }
    Ok(loaded)
}

impl LoadedPool {
    /// Whether the caller sees the pool: super administrators all of them,
    /// administrators theirs, members with the permission to view pools theirs.
    pub fn visible_to(&self, caller: &Caller, org: &OrgChart) -> bool {
        caller.actor.super_admin
            || self.members.administers(caller.user.id)
            || (caller.can(Permission::new(Kind::Pool, Action::View))
                && self.members.includes(caller.user.id, org))
    }

    pub fn administered_by(&self, caller: &Caller) -> bool {
        caller.actor.super_admin || self.members.administers(caller.user.id)
    }

    /// Settings change by administrators who hold the pool-settings permission.
    pub fn managed_by(&self, caller: &Caller) -> bool {
        caller.can(Permission::new(Kind::Pool, Action::Manage)) && self.administered_by(caller)
    }
}

impl App {
    /// The pools the caller sees, with what waits in each.
    pub async fn list_pools(&self, caller: &Caller) -> Result<Vec<PoolView>> {
        let mut tx = self.db.read().await?;
        let visible = self.visible_pools(&mut tx, caller).await?;
        self.pool_views(&mut tx, caller, visible).await
    }

    /// The pools whose settings the caller may change.
    pub async fn managed_pools(&self, caller: &Caller) -> Result<Vec<PoolView>> {
        caller.require(Permission::new(Kind::Pool, Action::Manage))?;
        let mut tx = self.db.read().await?;
        let managed = load_pools(&mut tx)
            .await?
            .into_iter()
            .filter(|p| p.managed_by(caller))
            .collect();
        self.pool_views(&mut tx, caller, managed).await
    }

    pub async fn get_pool(&self, caller: &Caller, id: i64) -> Result<PoolView> {
        let mut tx = self.db.read().await?;
        let pool = self.visible_pool(&mut tx, caller, id).await?;
        Ok(self
            .pool_views(&mut tx, caller, vec![pool])
            .await?
            .remove(0))
    }

    /// The pools the caller sees, oldest first.
    pub(crate) async fn visible_pools(
        &self,
        tx: &mut Tx,
        caller: &Caller,
    ) -> Result<Vec<LoadedPool>> {
        let org = departments::org_chart(tx).await?;
        Ok(load_pools(tx)
            .await?
            .into_iter()
            .filter(|p| p.visible_to(caller, &org))
            .collect())
    }

    /// A pool the caller sees; any other is not found.
    pub(crate) async fn visible_pool(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<LoadedPool> {
        self.visible_pools(tx, caller)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(ServiceError::NotFound)
    }

    async fn pool_views(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        loaded: Vec<LoadedPool>,
    ) -> Result<Vec<PoolView>> {
        let ids: Vec<i64> = loaded.iter().map(|p| p.id).collect();
        let waiting: BTreeMap<i64, i64> =
            pools::waiting_counts(tx, &ids).await?.into_iter().collect();
        let mut views = Vec::new();
        for pool in loaded {
            let user_names = |set: &BTreeSet<i64>| set.iter().copied().collect::<Vec<_>>();
            let member_users = named(users::names(tx, &user_names(&pool.members.users)).await?);
            let administrators =
                named(users::names(tx, &user_names(&pool.members.administrators)).await?);
            let member_departments =
                named(departments::names(tx, &user_names(&pool.members.departments)).await?);
            views.push(PoolView {
                can_manage: pool.managed_by(caller),
                can_administer: pool.administered_by(caller),
                waiting: waiting.get(&pool.id).copied().unwrap_or(0),
                id: pool.id,
                name: pool.name,
                rules: pool.rules,
                member_users,
                member_departments,
                administrators,
            });
        }
        Ok(views)
    }
}

fn named(rows: Vec<(i64, String)>) -> Vec<Named> {
    let mut named: Vec<Named> = rows
        .into_iter()
        .map(|(id, name)| Named { id, name })
        .collect();
    named.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    named
}
