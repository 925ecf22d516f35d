//! What a customer's transfer takes along: the opportunities and contracts
//! its former owner owned, each logged and, if asked, with the former owner
//! kept in its team.

use chrono::{DateTime, Utc};
use kuijing_domain::Kind;
use kuijing_store::{Tx, contracts, opportunities, teams};

use crate::error::Result;
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
            _ => Ok(contracts::set_owner(tx, &ids, hand.to, now).await?),
        }
    }
}
