//! What every kind of record shares: whether the caller may read it (else
//! 404, so its existence does not leak) or change it (else 403).

use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldErrors, Kind, Permission, UserStatus,
};
use kuijing_store::{
    Tx, contacts, contracts, customers, departments, leads, opportunities, payments, users,
};

use crate::error::{Result, ServiceError};
use crate::selection::RecordBatch;
use crate::{App, Caller};

impl App {
    /// Refuses (404) unless the caller may read the record.
    pub(crate) async fn visible_record(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        id: i64,
    ) -> Result<()> {
        caller.require(Permission::new(kind, Action::View))?;
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let (user, today) = (caller.user.id, self.today());
        let found = match kind {
            Kind::Customer => {
                let pools = self.pools_of(tx, caller).await?;
                customers::get(tx, &visibility, user, today, id, &pools)
                    .await?
                    .is_some()
            }
            Kind::Opportunity => opportunities::get(tx, &visibility, user, today, id)
                .await?
                .is_some(),
            Kind::Contract => contracts::get(tx, (&visibility, user, today), id)
                .await?
                .is_some(),
            Kind::Payment => payments::get(tx, (&visibility, user, today), id)
                .await?
                .is_some(),
            Kind::Lead => leads::get(tx, (&visibility, user, today), id)
                .await?
                .is_some(),
            Kind::Contact => contacts::get(tx, (&visibility, user, today), id)
                .await?
                .is_some(),
            _ => false,
        };
        if found {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// Refuses unless the caller may change the record: 404 when they cannot
    /// see it, 403 when they may only read it.
    pub(crate) async fn writable_record(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        id: i64,
    ) -> Result<()> {
        if kind == Kind::Customer {
            self.writable_customer(tx, caller, id).await?;
            return Ok(());
        }
        self.visible_record(tx, caller, kind, id).await?;
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let (user, today) = (caller.user.id, self.today());
        let writable = match kind {
            Kind::Opportunity => opportunities::writable(tx, &visibility, user, today, id).await?,
            Kind::Contract => contracts::writable(tx, (&visibility, user, today), id).await?,
            Kind::Payment => payments::writable(tx, (&visibility, user, today), id).await?,
            Kind::Lead => leads::writable(tx, (&visibility, user, today), id).await?,
            // A contact's team is its customer's.
            Kind::Contact => contacts::writable(tx, (&visibility, user, today), id).await?,
            _ => false,
        };
        if writable {
            Ok(())
        } else {
            // Seen (through a read-only team membership, or for an
            // approval) but not theirs to change: told so, as a 403.
            Err(ServiceError::Refused {
                code: "record_read_only",
            })
        }
    }

    /// An owner of a record of `kind` must be an active user whose records
    /// of that kind the caller may see.
    pub(crate) async fn check_owner_of(
        &self,
        tx: &mut Tx,
        (caller, org): (&Caller, &kuijing_domain::OrgChart),
        kind: Kind,
        owner: i64,
        (field, errors): (&str, &mut FieldErrors),
    ) -> Result<()> {
        let visibility = caller.actor.visibility(kind, org);
        match users::for_actor(tx, owner).await? {
            Some((user, _)) if user.status == UserStatus::Active => {
                if !visibility.sees(user.id, user.department_id) {
                    errors.add(field, "owner_out_of_scope");
                }
            }
            Some(_) => errors.add(field, "user_disabled"),
            None => errors.add(field, "user_unknown"),
        }
        Ok(())
    }

    /// Gives leads or contacts to another owner: each must be one the caller
    /// may change, and the owner one whose records of the kind they see.
    pub(crate) async fn transfer_owned(
        &self,
        caller: &Caller,
        kind: Kind,
        batch: &crate::selection::RecordBatch,
        owner: i64,
    ) -> Result<u64> {
        caller.require(Permission::new(kind, Action::Transfer))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        self.check_owner_of(
            &mut tx,
            (caller, &org),
            kind,
            owner,
            ("owner_id", &mut errors),
        )
        .await?;
        let ids = self
            .records_chosen(&mut tx, caller, kind, batch, &mut errors)
            .await?;
        errors.into_result()?;
        let ids = ids.as_slice();

        let visibility = caller.actor.visibility(kind, &org);
        let (user, today) = (caller.user.id, self.today());
        let mut former = Vec::new();
        for id in ids {
            self.writable_record(&mut tx, caller, kind, *id).await?;
            let old = match kind {
                Kind::Lead => leads::get(&mut tx, (&visibility, user, today), *id)
                    .await?
                    .and_then(|l| l.owner_id),
                _ => contacts::get(&mut tx, (&visibility, user, today), *id)
                    .await?
                    .and_then(|c| c.owner_id),
            };
            former.push((*id, old));
        }
        let now = self.now();
        let moved = match kind {
            Kind::Lead => leads::set_owner(&mut tx, ids, owner, now).await?,
            _ => contacts::set_owner(&mut tx, ids, owner, now).await?,
        };
        for (id, old) in former {
            let (old, new) = (old.map(|o| o.to_string()), Some(owner.to_string()));
            self.log_update(&mut tx, caller, kind, id, "owner_id", old, new)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(
            record.kind = kind.as_str(),
            records = moved,
            owner.id = owner,
            actor.id = caller.user.id,
            "records transferred"
        );
        Ok(moved)
    }

    /// Deletes leads or contacts the caller may change (ticked, or all that
    /// match), all or none, each logged under its name.
    pub(crate) async fn delete_owned(
        &self,
        caller: &Caller,
        kind: Kind,
        batch: &RecordBatch,
    ) -> Result<u64> {
        caller.require(Permission::new(kind, Action::Delete))?;
        let mut tx = self.db.write().await?;
        let mut errors = FieldErrors::new();
        let ids = self
            .records_chosen(&mut tx, caller, kind, batch, &mut errors)
            .await?;
        errors.into_result()?;
        let visibility = self.visibility_of(&mut tx, caller, kind).await?;
        let (user, today) = (caller.user.id, self.today());
        let mut names = Vec::new();
        for id in &ids {
            self.writable_record(&mut tx, caller, kind, *id).await?;
            let name = match kind {
                Kind::Lead => leads::get(&mut tx, (&visibility, user, today), *id)
                    .await?
                    .map(|l| l.name),
                _ => contacts::get(&mut tx, (&visibility, user, today), *id)
                    .await?
                    .map(|c| c.name),
            };
            names.push((*id, name.ok_or(ServiceError::NotFound)?));
        }
        let deleted = match kind {
            Kind::Lead => leads::delete(&mut tx, &ids).await?,
            _ => contacts::delete(&mut tx, &ids).await?,
        };
        for (id, name) in names {
            self.log_deleted(&mut tx, caller, (kind, id), name).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    /// Logs the deletion of a record under its name.
    pub(crate) async fn log_deleted(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, id): (Kind, i64),
        name: String,
    ) -> Result<()> {
        let change = Change {
            kind,
            record_id: id,
            action: ChangeAction::Delete,
            fields: vec![FieldChange {
                field: "name".into(),
                old: Some(name),
                new: None,
            }],
        };
        self.log(tx, caller, change).await
    }
}
