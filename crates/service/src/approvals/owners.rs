//! Who a record's approval answers to besides its submitter: the record's
//! owner now (a record transferred while in approval, or after a rejection
//! or a withdrawal, belongs to its new owner), and whether the caller may
//! see the record at all.

use kuijing_domain::Kind;
use kuijing_store::Tx;

use crate::error::Result;
use crate::{App, Caller};

/// A record as the approval actions see it.
pub(super) struct RecordAccess {
    /// The record's owner now, if it has one.
    pub owner: Option<i64>,
    /// Whether the caller sees the record (in their data scope, on its
    /// team, or while an approval of it waits for them).
    pub visible: bool,
}

impl App {
    /// The record an approval is about, as `caller` sees it.
    pub(super) async fn record_access(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: &str,
        record: i64,
    ) -> Result<RecordAccess> {
        let today = self.today();
        let me = caller.user.id;
        Ok(match kind.parse::<Kind>() {
            Ok(Kind::Contract) => {
                let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
                let found =
                    kuijing_store::contracts::get(tx, (&visibility, me, today), record).await?;
                RecordAccess {
                    visible: found.is_some(),
                    owner: found.and_then(|c| c.owner_id),
                }
            }
            Ok(Kind::Payment) => {
                let visibility = self.visibility_of(tx, caller, Kind::Payment).await?;
                let found =
                    kuijing_store::payments::get(tx, (&visibility, me, today), record).await?;
                RecordAccess {
                    visible: found.is_some(),
                    owner: found.and_then(|p| p.owner_id),
                }
            }
            // A request of a custom kind: seen by its owner and by those on
            // its approval (see `get_request`).
            _ => RecordAccess {
                owner: kuijing_store::requests::get_unscoped(tx, record)
                    .await?
                    .map(|r| r.owner_id),
                visible: true,
            },
        })
    }
}
