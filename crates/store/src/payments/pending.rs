//! The payments not yet approved (drafts and those in approval): with
//! what was received they use up what a contract, or an instalment, has
//! outstanding, so a new payment is measured against them and told which
//! they are.

use sea_query::{Expr, Order, Query, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Payments;

/// A payment not yet approved, as the outstanding warning names it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PendingPayment {
    pub id: i64,
    pub number: String,
    pub amount: i64,
    /// `draft` or `in_approval`.
    pub status: String,
    /// The instalment it is paid against, if any.
    pub plan_id: Option<i64>,
}

/// A contract's payments not yet approved (drafts and those in approval),
/// whoever owns them: they make what it has outstanding smaller for the
/// next payment, which is told which they are.
pub async fn pending_of_contract(tx: &mut Tx, contract: i64) -> Result<Vec<PendingPayment>> {
    let select = Query::select()
        .columns([
            Payments::Id,
            Payments::Number,
            Payments::Amount,
            Payments::Status,
            Payments::PlanId,
        ])
        .from(Payments::Table)
        .and_where(Expr::col(Payments::ContractId).eq(contract))
        .and_where(Expr::col(Payments::Status).is_in(["draft", "in_approval"]))
        .order_by(Payments::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// What a contract's payments not yet approved (drafts and those in
/// approval, or only those in approval) add up to, leaving one payment out.
pub async fn pending_total(
    tx: &mut Tx,
    contract: i64,
    except: Option<i64>,
    with_drafts: bool,
) -> Result<i64> {
    let of = Expr::col(Payments::ContractId).eq(contract);
    pending_sum(tx, of, except, with_drafts).await
}

/// The payments not yet approved against one instalment, as
/// [`pending_total`] counts them for a contract.
pub async fn pending_on_plan(
    tx: &mut Tx,
    plan: i64,
    except: Option<i64>,
    with_drafts: bool,
) -> Result<i64> {
    let of = Expr::col(Payments::PlanId).eq(plan);
    pending_sum(tx, of, except, with_drafts).await
}

async fn pending_sum(
    tx: &mut Tx,
    of: SimpleExpr,
    except: Option<i64>,
    with_drafts: bool,
) -> Result<i64> {
    let statuses: &[&str] = if with_drafts {
        &["draft", "in_approval"]
    } else {
        &["in_approval"]
    };
    let mut select = Query::select();
    select
        .expr(crate::record::sum_or_zero(Payments::Amount))
        .from(Payments::Table)
        .and_where(of)
        .and_where(Expr::col(Payments::Status).is_in(statuses.iter().copied()));
    if let Some(except) = except {
        select.and_where(Expr::col(Payments::Id).ne(except));
    }
    tx.count(&select).await
}
