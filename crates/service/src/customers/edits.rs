//! Creating and editing customers, locking them, and their follow-ups.

use super::*;

impl App {
    pub async fn create_customer(
        &self,
        caller: &Caller,
        input: CustomerInput,
    ) -> Result<CustomerDetail> {
        caller.require(customer(Action::Create))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        let owner = input.owner_id.unwrap_or(caller.user.id);
        self.check_owner(&mut tx, caller, &org, owner, "owner_id", &mut errors)
            .await?;
        let fields = self
            .check_customer(&mut tx, input, true, &mut errors)
            .await?;
        self.check_unique_in(&mut tx, Kind::Customer, &fields.custom, None, &mut errors)
            .await?;
        errors.into_result()?;

        let now = self.now();
        let id =
            customers::insert(&mut tx, &fields, Some(owner), None, caller.user.id, now).await?;
        let change = Change {
            kind: Kind::Customer,
            record_id: id,
            action: ChangeAction::Create,
            fields: created(&fields, owner),
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        tracing::info!(
            customer.id = id,
            actor.id = caller.user.id,
            "customer created"
        );
        self.get_customer(caller, id).await
    }

    pub async fn update_customer(
        &self,
        caller: &Caller,
        id: i64,
        patch: CustomerPatch,
    ) -> Result<CustomerDetail> {
        caller.require(customer(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_customer(&mut tx, caller, id).await?;
        if patch.version.is_some_and(|v| v != current.version) {
            let view = self
                .customer_views((&mut tx, caller), vec![current.clone()])
                .await?
                .remove(0);
            let stored =
                serde_json::to_value(&view).map_err(|e| ServiceError::Internal(e.to_string()))?;
            return Err(ServiceError::Changed {
                version: current.version,
                current: Box::new(stored),
            });
        }
        let mut custom = current.custom.clone();
        if let Some(given) = patch.custom {
            custom.extend(given);
        }
        let input = CustomerInput {
            name: patch.name.unwrap_or(current.name.clone()),
            level_id: patch.level_id.unwrap_or(current.level_id),
            industry_id: patch.industry_id.unwrap_or(current.industry_id),
            source_id: patch.source_id.unwrap_or(current.source_id),
            phone: patch.phone.unwrap_or(current.phone.clone()),
            mobile: patch.mobile.unwrap_or(current.mobile.clone()),
            email: patch.email.unwrap_or(current.email.clone()),
            website: patch.website.unwrap_or(current.website.clone()),
            address: patch.address.unwrap_or(current.address.clone()),
            postcode: patch.postcode.unwrap_or(current.postcode.clone()),
            province: patch.province.unwrap_or(current.province.clone()),
            city: patch.city.unwrap_or(current.city.clone()),
            district: patch.district.unwrap_or(current.district.clone()),
            tax_id: patch.tax_id.unwrap_or(current.tax_id.clone()),
            notes: patch.notes.unwrap_or(current.notes.clone()),
            custom,
            next_contact_at: patch.next_contact_at.unwrap_or(current.next_contact_at),
            owner_id: None,
        };
        let mut errors = FieldErrors::new();
        let fields = self
            .check_customer(&mut tx, input, false, &mut errors)
            .await?;
        self.check_unique_in(
            &mut tx,
            Kind::Customer,
            &fields.custom,
            Some(id),
            &mut errors,
        )
        .await?;
        errors.into_result()?;

        let mut diff = Diff::new();
        describe(&mut diff, Some(&fields_of(&current)), Some(&fields));
        if !diff.is_empty() {
            if !customers::update(&mut tx, id, current.version, &fields, self.now()).await? {
                return Err(ServiceError::Stale {
                    version: current.version,
                });
            }
            self.log_diff(&mut tx, caller, Kind::Customer, id, diff)
                .await?;
        }
        tx.commit().await?;
        self.get_customer(caller, id).await
    }

    /// Writes a follow-up on a customer the caller sees, with the files
    /// uploaded in the composer.
    pub async fn add_customer_follow_up(
        &self,
        caller: &Caller,
        id: i64,
        input: FollowUpInput,
        files: Vec<Upload>,
    ) -> Result<FollowUp> {
        self.add_follow_up(caller, Kind::Customer, id, input, &files)
            .await
    }

    pub async fn lock_customer(
        &self,
        caller: &Caller,
        id: i64,
        locked: bool,
    ) -> Result<CustomerDetail> {
        caller.require(customer(Action::Lock))?;
        let mut tx = self.db.write().await?;
        let current = self.managed_customer(&mut tx, caller, id).await?;
        if current.locked != locked {
            customers::set_locked(&mut tx, id, locked, self.now()).await?;
            let (old, new) = (current.locked.to_string(), locked.to_string());
            self.log_update(
                &mut tx,
                caller,
                Kind::Customer,
                id,
                "locked",
                Some(old),
                Some(new),
            )
            .await?;
        }
        tx.commit().await?;
        self.get_customer(caller, id).await
    }
}
