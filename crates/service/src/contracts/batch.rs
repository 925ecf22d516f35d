//! Deleting contracts (drafts without payments, all of a batch or none) and
//! giving them to another owner.

use kuijing_domain::{Action, ChangeAction, FieldErrors, Kind};
use kuijing_store::payments::{self, PaymentQuery};
use kuijing_store::{Tx, contracts, line_items};

use super::{ContractBatch, contract};
use crate::error::{Result, ServiceError};
use crate::selection::chosen;
use crate::{App, Caller};

impl App {
    pub async fn delete_contract(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(contract(Action::Delete))?;
        let mut tx = self.db.write().await?;
        self.delete_contract_in(&mut tx, caller, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the chosen contracts, all or none: one that is no longer a
    /// draft, or that has payments, refuses the batch.
    pub async fn delete_contracts(&self, caller: &Caller, batch: &ContractBatch) -> Result<u64> {
        caller.require(contract(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let matching = match &batch.matching {
            Some(filter) => Some(self.contracts_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut errors = FieldErrors::new();
        let ids = chosen(&batch.ids, matching, &mut errors);
        errors.into_result()?;
        for id in &ids {
            self.delete_contract_in(&mut tx, caller, *id).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    async fn delete_contract_in(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<()> {
        let current = self.writable_contract(tx, caller, id).await?;
        let has_payments = {
            let query = PaymentQuery {
                contract: Some(id),
                ..PaymentQuery::default()
            };
            let everyone = kuijing_domain::Visibility::everything();
            !payments::list(
                tx,
                (&everyone, caller.user.id, self.today()),
                &query,
                None,
                1,
            )
            .await?
            .is_empty()
        };
        if !current.status.editable() || has_payments {
            return Err(ServiceError::Refused {
                code: "contract_not_deletable",
            });
        }
        line_items::replace(tx, Kind::Contract.as_str(), id, &[]).await?;
        contracts::delete(tx, id).await?;
        self.log_named(
            tx,
            caller,
            (Kind::Contract, id),
            ChangeAction::Delete,
            ("number", &current.number),
        )
        .await
    }

    pub async fn transfer_contracts(
        &self,
        caller: &Caller,
        batch: &ContractBatch,
        owner: i64,
        keep_former_owner: Option<&str>,
    ) -> Result<u64> {
        caller.require(contract(Action::Transfer))?;
        let mut tx = self.db.write().await?;
        let org = kuijing_store::departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        self.check_owner(&mut tx, caller, &org, owner, "owner_id", &mut errors)
            .await?;
        let keep = crate::customers::keep_former_owner(keep_former_owner, &mut errors);
        let matching = match &batch.matching {
            Some(filter) => Some(self.contracts_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut ids = chosen(&batch.ids, matching, &mut errors);
        errors.into_result()?;
        // Locked in one order, so two transfers at once cannot wait on each other.
        ids.sort_unstable();
        let ids = &ids;
        for id in ids {
            let current = self.writable_contract(&mut tx, caller, *id).await?;
            if let (Some(can_write), Some(old)) = (keep, current.owner_id)
                && old != owner
            {
                kuijing_store::teams::put(&mut tx, Kind::Contract, *id, old, can_write, None)
                    .await?;
            }
            self.log_update(
                &mut tx,
                caller,
                Kind::Contract,
                *id,
                "owner_id",
                current.owner_id.map(|o| o.to_string()),
                Some(owner.to_string()),
            )
            .await?;
        }
        let moved = contracts::set_owner(&mut tx, ids, owner, self.now()).await?;
        tx.commit().await?;
        Ok(moved)
    }
}
