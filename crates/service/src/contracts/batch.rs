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
        let now = self.now();
        let moved = contracts::set_owner(&mut tx, ids, owner, now).await?;
        self.carry_payments(&mut tx, caller, ids, (owner, keep), now)
            .await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Gives the payments of contracts changing hands to the contracts'
    /// new owner (a payment belongs to its contract's owner), each change
    /// in the payment's change log; with `keep`, a former owner stays on
    /// the payment's team as on the contract's. Payment plans have no
    /// owner of their own: they follow their contract.
    pub(crate) async fn carry_payments(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        contracts: &[i64],
        (owner, keep): (i64, Option<bool>),
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64> {
        let owned = kuijing_store::payments::owners_of_contracts(tx, contracts).await?;
        let mut ids = Vec::new();
        for (id, old) in owned.into_iter().filter(|(_, old)| *old != Some(owner)) {
            if let (Some(can_write), Some(old)) = (keep, old) {
                kuijing_store::teams::put(tx, Kind::Payment, id, old, can_write, None).await?;
            }
            self.log_update(
                tx,
                caller,
                Kind::Payment,
                id,
                "owner_id",
                old.map(|o| o.to_string()),
                Some(owner.to_string()),
            )
            .await?;
            ids.push(id);
        }
        let moved = kuijing_store::payments::set_owner(tx, &ids, owner, now).await?;
        if moved > 0 {
            tracing::info!(
                payments = moved,
                owner.id = owner,
                actor.id = caller.user.id,
                "payments follow their contracts' owner"
            );
        }
        Ok(moved)
    }
}
