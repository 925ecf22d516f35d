//! Deleting customers: all of a batch or none, refused for locked ones and
//! for those that still have opportunities or contracts.

use kuijing_domain::{Action, Change, ChangeAction, FieldErrors, Kind};
use kuijing_store::{Tx, customers};

use super::{CustomerBatch, customer};
use crate::error::{Result, ServiceError};
use crate::selection::chosen;
use crate::{App, Caller};

impl App {
    /// Deletes the chosen customers, all or none; a locked one refuses the batch.
    pub async fn delete_customers(&self, caller: &Caller, batch: &CustomerBatch) -> Result<u64> {
        caller.require(customer(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let matching = match &batch.matching {
            Some(filter) => Some(self.customers_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut errors = FieldErrors::new();
        let ids = chosen(&batch.ids, matching, &mut errors);
        errors.into_result()?;
        let ids = &ids;
        let mut names = Vec::new();
        for id in ids {
            let current = self.writable_customer(&mut tx, caller, *id).await?;
            if current.locked {
                return Err(ServiceError::Refused {
                    code: "customer_locked",
                });
            }
            names.push((current.id, current.name));
        }
        refuse_customers_with_deals(&mut tx, &names).await?;
        let contacts = kuijing_store::record_purge::contacts_of(&mut tx, ids).await?;
        let mut files =
            kuijing_store::record_purge::purge(&mut tx, Kind::Contact.as_str(), &contacts).await?;
        files.extend(
            kuijing_store::record_purge::purge(&mut tx, Kind::Customer.as_str(), ids).await?,
        );
        let deleted = customers::delete(&mut tx, ids).await?;
        for (id, name) in names {
            let fields = vec![kuijing_domain::FieldChange {
                field: "name".into(),
                old: Some(name),
                new: None,
            }];
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Customer,
                    record_id: id,
                    action: ChangeAction::Delete,
                    fields,
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.delete_unused_files(files).await?;
        tracing::info!(
            customers = deleted,
            contacts = contacts.len(),
            actor.id = caller.user.id,
            "customers deleted"
        );
        Ok(deleted)
    }
}

/// A customer with opportunities or contracts cannot be deleted: each such
/// customer of the batch is named with what holds it, so the user transfers
/// or deletes those first (they are not the customer's to take along).
async fn refuse_customers_with_deals(tx: &mut Tx, chosen: &[(i64, String)]) -> Result<()> {
    let ids: Vec<i64> = chosen.iter().map(|(id, _)| *id).collect();
    let deals = kuijing_store::record_purge::deals_of(tx, &ids).await?;
    let mut errors = FieldErrors::new();
    for (id, opportunities, contracts) in deals {
        let name = chosen
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, name)| name.as_str())
            .unwrap_or_default();
        errors.push(
            kuijing_domain::FieldError::new(format!("ids.{id}"), "customer_has_deals")
                .labelled(name)
                .with("opportunities", opportunities)
                .with("contracts", contracts),
        );
    }
    Ok(errors.into_result()?)
}
