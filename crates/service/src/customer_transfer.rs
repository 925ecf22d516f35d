//! Transferring customers to another owner, and what a transfer takes
//! along: the contacts, and the opportunities and contracts its former owner
//! owned, each logged and, if asked, with the former owner kept in its team.

use chrono::{DateTime, Utc};
use kuijing_domain::change::Diff;
use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::{Tx, contracts, customers, departments, opportunities, teams};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::Result;
use crate::selection::{CustomerMatch, chosen};
use crate::{App, Caller};

/// Who gives a customer's records to whom, and whether the giver stays in
/// their teams (`Some(true)`: read and write; `Some(false)`: read only).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Handover {
    pub from: i64,
    pub to: i64,
    pub keep: Option<bool>,
}

impl App {
    /// Gives the records of `kind` (opportunities or contracts) of one
    /// customer that `hand.from` owns to `hand.to`; answers how many moved.
    /// Records of other owners stay theirs: a colleague's deal with the same
    /// customer is not the former owner's to give away.
    pub(crate) async fn carry_with_customer(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, customer): (Kind, i64),
        hand: Handover,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        if hand.from == hand.to {
            return Ok(0);
        }
        let owned = match kind {
            Kind::Opportunity => opportunities::owners_of_customers(tx, &[customer]).await?,
            Kind::Contract => contracts::owners_of_customers(tx, &[customer]).await?,
            _ => return Ok(0),
        };
        let ids: Vec<i64> = owned
            .into_iter()
            .filter(|(_, owner)| *owner == Some(hand.from))
            .map(|(id, _)| id)
            .collect();
        if ids.is_empty() {
            return Ok(0);
        }
        for id in &ids {
            if let Some(can_write) = hand.keep {
                teams::put(tx, kind, *id, hand.from, can_write, None).await?;
            }
            self.log_update(
                tx,
                caller,
                kind,
                *id,
                "owner_id",
                Some(hand.from.to_string()),
                Some(hand.to.to_string()),
            )
            .await?;
        }
        match kind {
            Kind::Opportunity => Ok(opportunities::set_owner(tx, &ids, hand.to, now).await?),
            _ => {
                let moved = contracts::set_owner(tx, &ids, hand.to, now).await?;
                self.carry_payments(tx, caller, &ids, (hand.to, hand.keep), now)
                    .await?;
                Ok(moved)
            }
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TransferInput {
    /// The customers to give; or leave out and send `matching`.
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every customer that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<CustomerMatch>,
    pub owner_id: i64,
    /// Keep the former owner in the team: `read` or `write`.
    pub keep_former_owner: Option<String>,
    /// Give the customers' contacts to the new owner too.
    #[serde(default)]
    pub with_contacts: bool,
    /// Give the customers' opportunities that their former owner owned to
    /// the new owner too (needs `opportunity.transfer`); others' stay theirs.
    #[serde(default)]
    pub with_opportunities: bool,
    /// Give the customers' contracts that their former owner owned to the
    /// new owner too (needs `contract.transfer`); others' stay theirs.
    #[serde(default)]
    pub with_contracts: bool,
}

impl App {
    /// Gives customers to another owner; the former owner may stay in the team.
    pub async fn transfer_customers(&self, caller: &Caller, input: TransferInput) -> Result<u64> {
        caller.require(crate::customers::customer(Action::Transfer))?;
        if input.with_opportunities {
            caller.require(Permission::new(Kind::Opportunity, Action::Transfer))?;
        }
        if input.with_contracts {
            caller.require(Permission::new(Kind::Contract, Action::Transfer))?;
        }
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
        let keep = keep_former_owner(input.keep_former_owner.as_deref(), &mut errors);
        let matching = match &input.matching {
            Some(filter) => Some(self.customers_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let ids = chosen(&input.ids, matching, &mut errors);
        errors.into_result()?;

        let now = self.now();
        let mut former = Vec::new();
        for id in &ids {
            let current = self.writable_customer(&mut tx, caller, *id).await?;
            // The contacts that go along, named in the customer's log.
            let contacts = if input.with_contacts {
                kuijing_store::contacts::ids_of_customer(&mut tx, *id).await?
            } else {
                Vec::new()
            };
            former.push((current.id, current.owner_id, contacts));
        }
        let moved = customers::set_owner(&mut tx, &ids, input.owner_id, now).await?;
        if input.with_contacts {
            kuijing_store::contacts::set_owner_of_customers(&mut tx, &ids, input.owner_id, now)
                .await?;
        }
        let mut carried = 0;
        for (id, old_owner, contacts) in former {
            let mut diff = Diff::new();
            diff.field("owner_id", old_owner, Some(input.owner_id));
            if let (Some(can_write), Some(old)) = (keep, old_owner)
                && old != input.owner_id
            {
                kuijing_store::teams::put(&mut tx, Kind::Customer, id, old, can_write, None)
                    .await?;
                diff.field("team", None, Some(old));
            }
            if !contacts.is_empty() {
                let ids: Vec<String> = contacts.iter().map(i64::to_string).collect();
                diff.field("contacts", None, Some(ids.join(",")));
            }
            for (kind, carry) in [
                (Kind::Opportunity, input.with_opportunities),
                (Kind::Contract, input.with_contracts),
            ] {
                if let (true, Some(old)) = (carry, old_owner) {
                    let hand = Handover {
                        from: old,
                        to: input.owner_id,
                        keep,
                    };
                    carried += self
                        .carry_with_customer(&mut tx, caller, (kind, id), hand, now)
                        .await?;
                }
            }
            self.log_diff(&mut tx, caller, Kind::Customer, id, diff)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(
            customers = moved,
            related = carried,
            owner.id = input.owner_id,
            actor.id = caller.user.id,
            "customers transferred"
        );
        Ok(moved)
    }
}

/// Whether a transfer keeps the former owner in the team: `read` or `write`,
/// or not at all (`no` or nothing). The answer is whether they may write.
pub(crate) fn keep_former_owner(text: Option<&str>, errors: &mut FieldErrors) -> Option<bool> {
    match text {
        None | Some("") | Some("no") => None,
        Some("read") => Some(false),
        Some("write") => Some(true),
        Some(_) => {
            errors.add("keep_former_owner", "invalid_choice");
            None
        }
    }
}
