//! Who approvals wait for and who submitted them: the inbox lists and counts.

use sea_query::{Condition, Expr, Func, Iden, Order, Query, SimpleExpr};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{ApprovalWaits, Approvals, Contracts, Payments, Requests};

use super::{ApprovalRow, StoredApproval, select_approvals};

/// Approvals waiting for a user, newest first.
pub async fn waiting_for(
    tx: &mut Tx,
    user: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<StoredApproval>> {
    let mut select = select_approvals();
    select
        .inner_join(
            ApprovalWaits::Table,
            Expr::col((ApprovalWaits::Table, ApprovalWaits::ApprovalId))
                .equals((Approvals::Table, Approvals::Id)),
        )
        .and_where(Expr::col((ApprovalWaits::Table, ApprovalWaits::UserId)).eq(user));
    if let Some(after) = after {
        select.and_where(Expr::col((Approvals::Table, Approvals::Id)).lt(after));
    }
    select
        .order_by((Approvals::Table, Approvals::Id), Order::Desc)
        .limit(limit);
    let rows: Vec<ApprovalRow> = tx.all(&select).await?;
    rows.into_iter().map(StoredApproval::try_from).collect()
}

pub async fn waiting_count(tx: &mut Tx, user: i64) -> Result<i64> {
    let select = Query::select()
        .expr(Func::count(Expr::col(ApprovalWaits::ApprovalId)))
        .from(ApprovalWaits::Table)
        .and_where(Expr::col(ApprovalWaits::UserId).eq(user))
        .to_owned();
    tx.count(&select).await
}

/// The approvals that are a user's as their submitter: those of the
/// records they own now (a contract, payment or request transferred while
/// in approval or after it is its new owner's, who may withdraw it and
/// submit it again; its former owner may no longer open it), and those
/// they submitted of records that have no owner.
fn submitted_by_condition(user: i64) -> Condition {
    fn of_records<T: Iden + Copy + 'static>(
        kind_is: SimpleExpr,
        (table, id, owner): (T, T, T),
        user: i64,
    ) -> Condition {
        let record = |owned: SimpleExpr| {
            Query::select()
                .expr(Expr::val(1))
                .from(table)
                .and_where(Expr::col((table, id)).equals((Approvals::Table, Approvals::RecordId)))
                .and_where(owned)
                .to_owned()
        };
        let owned = Condition::all()
            .add(kind_is.clone())
            .add(Expr::exists(record(Expr::col((table, owner)).eq(user))));
        let unowned = Condition::all()
            .add(kind_is)
            .add(Expr::col((Approvals::Table, Approvals::SubmitterId)).eq(user))
            .add(Expr::exists(record(Expr::col((table, owner)).is_not_null())).not());
        Condition::any().add(owned).add(unowned)
    }
    let kind = || Expr::col((Approvals::Table, Approvals::Kind));
    Condition::any()
        .add(of_records(
            kind().eq("contract"),
            (Contracts::Table, Contracts::Id, Contracts::OwnerId),
            user,
        ))
        .add(of_records(
            kind().eq("payment"),
            (Payments::Table, Payments::Id, Payments::OwnerId),
            user,
        ))
        .add(of_records(
            kind().is_not_in(["contract", "payment"]),
            (Requests::Table, Requests::Id, Requests::OwnerId),
            user,
        ))
}

/// Approvals that are a user's as their submitter (see
/// [`submitted_by_condition`]), newest first.
pub async fn submitted_by(
    tx: &mut Tx,
    user: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<StoredApproval>> {
    let mut select = select_approvals();
    select.cond_where(submitted_by_condition(user));
    if let Some(after) = after {
        select.and_where(Expr::col((Approvals::Table, Approvals::Id)).lt(after));
    }
    select
        .order_by((Approvals::Table, Approvals::Id), Order::Desc)
        .limit(limit);
    let rows: Vec<ApprovalRow> = tx.all(&select).await?;
    rows.into_iter().map(StoredApproval::try_from).collect()
}

/// How many approvals are a user's as their submitter.
pub async fn submitted_count(tx: &mut Tx, user: i64) -> Result<i64> {
    let select = Query::select()
        .expr(Func::count(Expr::col((Approvals::Table, Approvals::Id))))
        .from(Approvals::Table)
        .cond_where(submitted_by_condition(user))
        .to_owned();
    tx.count(&select).await
}
/// Whether an approval of this record waits for the user now.
pub async fn waits_for(tx: &mut Tx, kind: &str, record: i64, user: i64) -> Result<bool> {
    let select = Query::select()
        .expr(Func::count(Expr::col((
            ApprovalWaits::Table,
            ApprovalWaits::UserId,
        ))))
        .from(ApprovalWaits::Table)
        .inner_join(
            Approvals::Table,
            Expr::col((Approvals::Table, Approvals::Id))
                .equals((ApprovalWaits::Table, ApprovalWaits::ApprovalId)),
        )
        .and_where(Expr::col((Approvals::Table, Approvals::Kind)).eq(kind))
        .and_where(Expr::col((Approvals::Table, Approvals::RecordId)).eq(record))
        .and_where(Expr::col((ApprovalWaits::Table, ApprovalWaits::UserId)).eq(user))
        .to_owned();
    Ok(tx.count(&select).await? > 0)
}
