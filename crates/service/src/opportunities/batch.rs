//! Deleting and transferring opportunities, ticked or all that match.

use super::*;

impl App {
    pub async fn delete_opportunity(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(opportunity(Action::Delete))?;
        let mut tx = self.db.write().await?;
        self.delete_opportunity_in(&mut tx, caller, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the chosen opportunities, all or none: one with contracts
    /// refuses the batch.
    pub async fn delete_opportunities(
        &self,
        caller: &Caller,
        batch: &OpportunityBatch,
    ) -> Result<u64> {
        caller.require(opportunity(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let matching = match &batch.matching {
            Some(filter) => Some(self.opportunities_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut errors = FieldErrors::new();
        let ids = chosen(&batch.ids, matching, &mut errors);
        errors.into_result()?;
        for id in &ids {
            self.delete_opportunity_in(&mut tx, caller, *id).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    async fn delete_opportunity_in(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<()> {
        let current = self.writable_opportunity(tx, caller, id).await?;
        if kuijing_store::contracts::count_of_opportunity(tx, id).await? > 0 {
            return Err(ServiceError::Refused {
                code: "opportunity_has_contracts",
            });
        }
        line_items::replace(tx, Kind::Opportunity.as_str(), id, &[]).await?;
        opportunities::delete(tx, id).await?;
        self.log_named(
            tx,
            caller,
            (Kind::Opportunity, id),
            ChangeAction::Delete,
            ("name", &current.name),
        )
        .await
    }

    pub async fn transfer_opportunities(
        &self,
        caller: &Caller,
        input: &OpportunityTransferInput,
    ) -> Result<u64> {
        caller.require(opportunity(Action::Transfer))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        self.check_owner(
            &mut tx,
            caller,
            &org,
            input.owner_id,
            "owner_id",
            &mut errors,
        )
        .await?;
        let keep =
            crate::customers::keep_former_owner(input.keep_former_owner.as_deref(), &mut errors);
        let matching = match &input.matching {
            Some(filter) => Some(self.opportunities_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let ids = chosen(&input.ids, matching, &mut errors);
        errors.into_result()?;
        let now = self.now();
        for id in &ids {
            let current = self.writable_opportunity(&mut tx, caller, *id).await?;
            if let (Some(can_write), Some(old)) = (keep, current.owner_id)
                && old != input.owner_id
            {
                kuijing_store::teams::put(&mut tx, Kind::Opportunity, *id, old, can_write, None)
                    .await?;
            }
            self.log_update(
                &mut tx,
                caller,
                Kind::Opportunity,
                *id,
                "owner_id",
                current.owner_id.map(|o| o.to_string()),
                Some(input.owner_id.to_string()),
            )
            .await?;
        }
        let moved = opportunities::set_owner(&mut tx, &ids, input.owner_id, now).await?;
        tx.commit().await?;
        Ok(moved)
    }
}
