//! A pool's settings: create, rename, delete, its members, administrators
//! and rules; for administrators who hold the pool-settings permission.

use std::collections::BTreeSet;

use kuijing_domain::{Action, ChangeAction, FieldErrors, Kind, Permission, text};
use kuijing_store::pools::{self, ADMINISTRATOR, DEPARTMENT, MEMBER, PoolMember, USER};
use kuijing_store::{Tx, departments, options, roles, users};

use crate::error::{Result, ServiceError};
use crate::pools::{LoadedPool, Named, PoolInput, PoolView};
use crate::{App, Caller};

/// What a pool's settings form offers to choose from.
#[derive(Debug, Clone, Default)]
pub struct PoolChoices {
    /// Active users the caller sees (with the permission to view users).
    pub users: Vec<Named>,
    /// Departments the caller sees (with the permission to view departments).
    pub departments: Vec<Named>,
    pub roles: Vec<Named>,
    /// Customer levels, for rules that apply to some levels only.
    pub levels: Vec<Named>,
}

impl App {
    /// The people, departments, roles and levels a pool's settings name.
    pub async fn pool_choices(&self, caller: &Caller) -> Result<PoolChoices> {
        caller.require(Permission::new(Kind::Pool, Action::Manage))?;
        let mut choices = PoolChoices::default();
        if caller.can(Permission::new(Kind::User, Action::View)) {
            choices.users = self
                .pick_users(caller, None)
                .await?
                .into_iter()
                .map(|u| Named {
                    id: u.user.id,
                    name: u.user.name,
                })
                .collect();
        }
        if caller.can(Permission::new(Kind::Department, Action::View)) {
            choices.departments = self
                .list_departments(caller, None)
                .await?
                .into_iter()
                .map(|d| Named {
                    id: d.department.id,
                    name: d.department.name,
                })
                .collect();
        }
        let mut tx = self.db.read().await?;
        choices.roles = roles::list(&mut tx, None)
            .await?
            .into_iter()
            .map(|r| Named {
                id: r.id,
                name: caller.role_name(&r),
            })
            .collect();
        choices.levels = caller
            .shown_options(options::of_field(&mut tx, "customer", "level_id").await?)
            .into_iter()
            .map(|o| Named {
                id: o.id,
                name: o.label,
            })
            .collect();
        Ok(choices)
    }

    pub async fn create_pool(&self, caller: &Caller, input: PoolInput) -> Result<PoolView> {
        caller.require(Permission::new(Kind::Pool, Action::Manage))?;
        let mut tx = self.db.write().await?;
        let mut input = input;
        if input.administrators.as_ref().is_none_or(Vec::is_empty) {
            input.administrators = Some(vec![caller.user.id]);
        }
        let checked = self.check_pool(&mut tx, None, input).await?;
        let now = self.now();
        let id = pools::insert(&mut tx, &checked.name, &checked.encoded, now).await?;
        pools::set_members(&mut tx, id, &checked.rows).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Pool, id),
            ChangeAction::Create,
            ("name", &checked.name),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(pool.id = id, actor.id = caller.user.id, "pool created");
        self.get_pool(caller, id).await
    }

    pub async fn update_pool(
        &self,
        caller: &Caller,
        id: i64,
        input: PoolInput,
    ) -> Result<PoolView> {
        let mut tx = self.db.write().await?;
        let current = self.managed_pool(&mut tx, caller, id).await?;
        let checked = self.check_pool(&mut tx, Some(&current), input).await?;
        pools::update(&mut tx, id, &checked.name, &checked.encoded, self.now()).await?;
        pools::set_members(&mut tx, id, &checked.rows).await?;
        let before = serde_json::to_string(&current.rules).ok();
        if before.as_deref() != Some(checked.encoded.as_str()) {
            self.log_update(
                &mut tx,
                caller,
                Kind::Pool,
                id,
                "rules",
                before,
                Some(checked.encoded),
            )
            .await?;
        }
        if current.name != checked.name {
            let (old, new) = (Some(current.name.clone()), Some(checked.name.clone()));
            self.log_update(&mut tx, caller, Kind::Pool, id, "name", old, new)
                .await?;
        }
        tx.commit().await?;
        self.get_pool(caller, id).await
    }

    /// Deletes a pool that no customer waits in; one that holds customers
    /// is refused, so none is left without a pool.
    pub async fn delete_pool(&self, caller: &Caller, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        let pool = self.managed_pool(&mut tx, caller, id).await?;
        if pools::list(&mut tx).await?.len() <= 1 {
            return Err(ServiceError::Refused { code: "last_pool" });
        }
        if !pools::delete_if_empty(&mut tx, id, self.now()).await? {
            return Err(ServiceError::Refused {
                code: "pool_not_empty",
            });
        }
        self.log_named(
            &mut tx,
            caller,
            (Kind::Pool, id),
            ChangeAction::Delete,
            ("name", &pool.name),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(pool.id = id, actor.id = caller.user.id, "pool deleted");
        Ok(())
    }

    /// A pool whose settings the caller may change: not found when they do
    /// not see it, forbidden when they see it without managing it.
    pub(crate) async fn managed_pool(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<LoadedPool> {
        caller.require(Permission::new(Kind::Pool, Action::Manage))?;
        let pool = self.visible_pool(tx, caller, id).await?;
        if !pool.managed_by(caller) {
            return Err(ServiceError::Forbidden);
        }
        Ok(pool)
    }

    /// Checks a pool's name, members and rules, each error under its field.
    async fn check_pool(
        &self,
        tx: &mut Tx,
        current: Option<&LoadedPool>,
        input: PoolInput,
    ) -> Result<CheckedPool> {
        let mut errors = FieldErrors::new();
        let name = match (input.name, current) {
            (Some(name), _) => errors.take("name", text::parse_name(&name, 50)),
            (None, Some(pool)) => Some(pool.name.clone()),
            (None, None) => {
                errors.add("name", "required");
                None
            }
        };
        if let Some(name) = &name
            && pools::name_taken(tx, name, current.map(|p| p.id)).await?
        {
            errors.add("name", "taken");
        }
        let keep = |set: Option<&BTreeSet<i64>>| -> Vec<i64> {
            set.map(|s| s.iter().copied().collect()).unwrap_or_default()
        };
        let members = current.map(|p| &p.members);
        let member_users = input
            .member_users
            .unwrap_or_else(|| keep(members.map(|m| &m.users)));
        let member_departments = input
            .member_departments
            .unwrap_or_else(|| keep(members.map(|m| &m.departments)));
        let administrators = input
            .administrators
            .unwrap_or_else(|| keep(members.map(|m| &m.administrators)));
        for (field, ids) in [
            ("member_users", &member_users),
            ("administrators", &administrators),
        ] {
            if !all_found(&users::names(tx, ids).await?, ids) {
                errors.add(field, "user_unknown");
            }
        }
        if !all_found(
            &departments::names(tx, &member_departments).await?,
            &member_departments,
        ) {
            errors.add("member_departments", "department_unknown");
        }

        let rules = input
            .rules
            .or_else(|| current.map(|p| p.rules.clone()))
            .unwrap_or_default();
        if let Err(found) = rules.check() {
            errors.0.extend(found.0);
        }
        let role_ids: Vec<i64> = rules.role_limits.iter().map(|r| r.role_id).collect();
        let known_roles = roles::names(tx, &role_ids).await?;
        for (index, role) in rules.role_limits.iter().enumerate() {
            if !known_roles.iter().any(|(id, _)| *id == role.role_id) {
                errors.add(format!("role_limits.{index}.role_id"), "role_unknown");
            }
        }
        let levels = options::of_field(tx, "customer", "level_id").await?;
        for (index, rule) in rules.recycle.iter().enumerate() {
            if rule
                .levels
                .iter()
                .any(|l| !levels.iter().any(|o| o.id == *l))
            {
                errors.add(format!("recycle.{index}.levels"), "invalid_choice");
            }
        }
        errors.into_result()?;

        let encoded =
            serde_json::to_string(&rules).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let row = |role: &str, kind: &str, id: i64| PoolMember {
            pool_id: current.map_or(0, |p| p.id),
            role: role.into(),
            member_kind: kind.into(),
            member_id: id,
        };
        let unique = |ids: Vec<i64>| ids.into_iter().collect::<BTreeSet<i64>>();
        let mut rows = Vec::new();
        rows.extend(
            unique(member_users)
                .into_iter()
                .map(|id| row(MEMBER, USER, id)),
        );
        rows.extend(
            unique(member_departments)
                .into_iter()
                .map(|id| row(MEMBER, DEPARTMENT, id)),
        );
        rows.extend(
            unique(administrators)
                .into_iter()
                .map(|id| row(ADMINISTRATOR, USER, id)),
        );
        Ok(CheckedPool {
            name: name.unwrap_or_default(),
            encoded,
            rows,
        })
    }
}

struct CheckedPool {
    name: String,
    encoded: String,
    rows: Vec<PoolMember>,
}

fn all_found(found: &[(i64, String)], wanted: &[i64]) -> bool {
    wanted.iter().all(|id| found.iter().any(|(f, _)| f == id))
}
