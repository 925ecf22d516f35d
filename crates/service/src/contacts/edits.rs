//! Creating, editing, deleting and transferring contacts, and their
//! follow-ups.

use super::*;

impl App {
    pub async fn create_contact(
        &self,
        caller: &Caller,
        input: ContactInput,
    ) -> Result<ContactDetail> {
        caller.require(contact(Action::Create))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        let owner = input.owner_id.unwrap_or(caller.user.id);
        if owner != caller.user.id {
            let field = ("owner_id", &mut errors);
            self.check_owner_of(&mut tx, (caller, &org), Kind::Contact, owner, field)
                .await?;
        }
        self.check_contact_customer(&mut tx, caller, input.customer_id, &mut errors)
            .await?;
        let fields = self
            .check_contact(&mut tx, input, true, &mut errors)
            .await?;
        self.check_unique_in(&mut tx, Kind::Contact, &fields.custom, None, &mut errors)
            .await?;
        errors.into_result()?;

        let id = contacts::insert(&mut tx, &fields, owner, caller.user.id, self.now()).await?;
        if fields.is_primary {
            self.make_primary(&mut tx, caller, fields.customer_id, id)
                .await?;
        }
        // A customer's first contact is its primary one.
        contacts::keep_a_primary(&mut tx, &[fields.customer_id]).await?;
        let change = Change {
            kind: Kind::Contact,
            record_id: id,
            action: ChangeAction::Create,
            fields: created(&fields),
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        tracing::info!(
            contact.id = id,
            actor.id = caller.user.id,
            "contact created"
        );
        self.get_contact(caller, id).await
    }

    /// Saves every field of a contact, refusing a save made on an older
    /// version (409 with the stored contact).
    pub async fn update_contact(
        &self,
        caller: &Caller,
        id: i64,
        input: ContactInput,
    ) -> Result<ContactDetail> {
        caller.require(contact(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.visible_contact(&mut tx, caller, id).await?;
        self.writable_record(&mut tx, caller, Kind::Contact, id)
            .await?;
        stale_check(input.version, current.version, &current)?;
        let mut errors = FieldErrors::new();
        // Moving a contact takes a customer the caller sees; staying keeps it.
        if input.customer_id != current.customer_id {
            self.check_contact_customer(&mut tx, caller, input.customer_id, &mut errors)
                .await?;
        }
        let fields = self
            .check_contact(&mut tx, input, false, &mut errors)
            .await?;
        self.check_unique_in(
            &mut tx,
            Kind::Contact,
            &fields.custom,
            Some(id),
            &mut errors,
        )
        .await?;
        errors.into_result()?;

        let mut diff = Diff::new();
        describe(
            &mut diff,
            Some(&ContactFields::from(&current)),
            Some(&fields),
        );
        if !diff.is_empty() {
            if !contacts::update(&mut tx, id, current.version, &fields, self.now()).await? {
                return Err(ServiceError::Stale {
                    version: current.version,
                });
            }
            if fields.is_primary {
                self.make_primary(&mut tx, caller, fields.customer_id, id)
                    .await?;
            }
            self.log_diff(&mut tx, caller, Kind::Contact, id, diff)
                .await?;
        }
        tx.commit().await?;
        self.get_contact(caller, id).await
    }

    /// Makes a contact its customer's primary one; each contact that stops
    /// being primary has that logged (its version is new, too).
    pub(crate) async fn make_primary(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        customer: i64,
        id: i64,
    ) -> Result<()> {
        for former in contacts::make_primary(tx, customer, id).await? {
            let (old, new) = (Some(true.to_string()), Some(false.to_string()));
            self.log_update(tx, caller, Kind::Contact, former, "is_primary", old, new)
                .await?;
        }
        Ok(())
    }

    pub async fn delete_contact(&self, caller: &Caller, id: i64) -> Result<()> {
        let batch = RecordBatch {
            ids: vec![id],
            matching: None,
        };
        self.delete_contacts(caller, &batch).await.map(|_| ())
    }

    /// Deletes contacts the caller may change (ticked, or all that match),
    /// all or none.
    pub async fn delete_contacts(&self, caller: &Caller, batch: &RecordBatch) -> Result<u64> {
        self.delete_owned(caller, Kind::Contact, batch).await
    }

    pub async fn transfer_contacts(&self, caller: &Caller, input: ContactTransfer) -> Result<u64> {
        let batch = RecordBatch {
            ids: input.ids,
            matching: input.matching,
        };
        self.transfer_owned(caller, Kind::Contact, &batch, input.owner_id)
            .await
    }

    /// Writes a follow-up on a contact the caller sees, with the files
    /// uploaded in the composer.
    pub async fn add_contact_follow_up(
        &self,
        caller: &Caller,
        id: i64,
        input: FollowUpInput,
        files: Vec<crate::follow_ups::Upload>,
    ) -> Result<FollowUp> {
        self.add_follow_up(caller, Kind::Contact, id, input, &files)
            .await
    }
}
