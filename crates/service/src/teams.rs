//! Teams on customers, leads, opportunities and contracts: users who share a
//! record with its owner, reading or also writing, until an optional date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::{
    Tx, contacts, contracts, customers, departments, leads, opportunities, teams, users,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    pub user_id: i64,
    pub name: String,
    pub can_write: bool,
    pub expires_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TeamInput {
    pub user_id: i64,
    #[serde(default)]
    pub can_write: bool,
    pub expires_on: Option<NaiveDate>,
}

impl App {
    /// Adds a member to the team of a record the caller may change, or
    /// changes their access; the owner is no member of their own record.
    pub async fn put_team_member(
        &self,
        caller: &Caller,
        (kind, id): (Kind, i64),
        input: TeamInput,
    ) -> Result<()> {
        caller.require(Permission::new(kind, Action::Team))?;
        let mut tx = self.db.write().await?;
        let owner = self.team_record_owner(&mut tx, caller, kind, id).await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        self.check_owner_of(
            &mut tx,
            (caller, &org),
            kind,
            input.user_id,
            ("user_id", &mut errors),
        )
        .await?;
        if owner == Some(input.user_id) {
            let code = match kind {
                Kind::Customer => "already_owner",
                _ => "owns_record",
            };
            errors.add("user_id", code);
        }
        if input.expires_on.is_some_and(|d| d < self.today()) {
            errors.add("expires_on", "date_past");
        }
        errors.into_result()?;

        teams::put(
            &mut tx,
            kind,
            id,
            input.user_id,
            input.can_write,
            input.expires_on,
        )
        .await?;
        let member = Some(input.user_id.to_string());
        self.log_update(&mut tx, caller, kind, id, "team", None, member)
            .await?;
        tx.commit().await?;
        tracing::info!(
            record.kind = kind.as_str(),
            record.id = id,
            member.id = input.user_id,
            actor.id = caller.user.id,
            "team member saved"
        );
        Ok(())
    }

    pub async fn remove_team_member(
        &self,
        caller: &Caller,
        (kind, id): (Kind, i64),
        user: i64,
    ) -> Result<()> {
        caller.require(Permission::new(kind, Action::Team))?;
        let mut tx = self.db.write().await?;
        self.team_record_owner(&mut tx, caller, kind, id).await?;
        if teams::remove(&mut tx, kind, id, user).await? == 0 {
            return Err(ServiceError::NotFound);
        }
        let member = Some(user.to_string());
        self.log_update(&mut tx, caller, kind, id, "team", member, None)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The members of a record's team with their names.
    pub(crate) async fn team_of(&self, tx: &mut Tx, kind: Kind, id: i64) -> Result<Vec<TeamView>> {
        let members = teams::of_record(tx, kind, id).await?;
        let ids: Vec<i64> = members.iter().map(|m| m.user_id).collect();
        let names: BTreeMap<i64, String> = users::names(tx, &ids).await?.into_iter().collect();
        Ok(members
            .into_iter()
            .map(|m| TeamView {
                name: names.get(&m.user_id).cloned().unwrap_or_default(),
                user_id: m.user_id,
                can_write: m.can_write,
                expires_on: m.expires_on,
            })
            .collect())
    }

    /// A team member who may only read sees the record but writes nothing
    /// on it, follow-ups included; the owner's side and write members may.
    pub(crate) async fn refuse_read_only_member(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, id): (Kind, i64),
    ) -> Result<()> {
        let today = self.today();
        if kind == Kind::Contact {
            // A contact's team is its customer's: who reads it only through
            // a read-only membership writes nothing on it.
            let visibility = self.visibility_of(tx, caller, kind).await?;
            let scope = (&visibility, caller.user.id, today);
            return match contacts::writable(tx, scope, id).await? {
                true => Ok(()),
                false => Err(ServiceError::Refused {
                    code: "team_read_only_record",
                }),
            };
        }
        let members = teams::of_record(tx, kind, id).await?;
        let read_only = members.iter().any(|m| {
            m.user_id == caller.user.id && !m.can_write && m.expires_on.is_none_or(|d| d >= today)
        });
        if !read_only {
            return Ok(());
        }
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let owner_side = match kind {
            Kind::Customer => customers::owner_in_scope(tx, &visibility, id).await?,
            Kind::Opportunity => {
                opportunities::writable(tx, &visibility, caller.user.id, today, id).await?
            }
            Kind::Contract => {
                contracts::writable(tx, (&visibility, caller.user.id, today), id).await?
            }
            Kind::Lead => leads::writable(tx, (&visibility, caller.user.id, today), id).await?,
            _ => true,
        };
        match (owner_side, kind) {
            (true, _) => Ok(()),
            (false, Kind::Customer) => Err(ServiceError::Refused {
                code: "team_read_only",
            }),
            (false, _) => Err(ServiceError::Refused {
                code: "team_read_only_record",
            }),
        }
    }

    /// The owner of a record whose team the caller may change: one they
    /// may change themselves (404 when they cannot see it, else 403).
    async fn team_record_owner(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        id: i64,
    ) -> Result<Option<i64>> {
        match kind {
            Kind::Customer => Ok(self.writable_customer(tx, caller, id).await?.owner_id),
            Kind::Opportunity => Ok(self.writable_opportunity(tx, caller, id).await?.owner_id),
            Kind::Contract => Ok(self.writable_contract(tx, caller, id).await?.owner_id),
            Kind::Lead => Ok(self.writable_lead(tx, caller, id).await?.owner_id),
            _ => Err(ServiceError::NotFound),
        }
    }
}
