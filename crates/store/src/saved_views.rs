//! Views of a list that a user saved for themselves: a name and the list's
//! query string.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::record;
use crate::schema::SavedViews;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SavedView {
    pub id: i64,
    pub kind: String,
    pub name: String,
    /// The list's query string, without a cursor.
    pub query: String,
}

/// A user's views of one list, by name.
pub async fn of_user(tx: &mut Tx, user: i64, kind: &str) -> Result<Vec<SavedView>> {
    let query = Query::select()
        .columns([
            SavedViews::Id,
            SavedViews::Kind,
            SavedViews::Name,
            SavedViews::Query,
        ])
        .from(SavedViews::Table)
        .and_where(Expr::col(SavedViews::UserId).eq(user))
        .and_where(Expr::col(SavedViews::Kind).eq(kind))
        .order_by(SavedViews::Name, Order::Asc)
        .order_by(SavedViews::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

/// Saves a view; a view of the same name is replaced (answers its id).
pub async fn save(
    tx: &mut Tx,
    user: i64,
    (kind, name, query): (&str, &str, &str),
    now: DateTime<Utc>,
) -> Result<i64> {
    let existing = Query::select()
        .column(SavedViews::Id)
        .from(SavedViews::Table)
        .and_where(Expr::col(SavedViews::UserId).eq(user))
        .and_where(Expr::col(SavedViews::Kind).eq(kind))
        .and_where(Expr::col(SavedViews::Name).eq(name))
        .to_owned();
    if let Some((id,)) = tx.optional::<(i64,)>(&existing).await? {
        let update = Query::update()
            .table(SavedViews::Table)
            .values([(SavedViews::Query, query.into())])
            .and_where(Expr::col(SavedViews::Id).eq(id))
            .to_owned();
        tx.execute(&update).await?;
        return Ok(id);
    }
    let insert = record::insert(
        SavedViews::Table,
        SavedViews::Id,
        vec![
            (SavedViews::UserId, user.into()),
            (SavedViews::Kind, kind.into()),
            (SavedViews::Name, name.into()),
            (SavedViews::Query, query.into()),
            (SavedViews::CreatedAt, now.into()),
        ],
    );
    tx.insert_id(&insert).await
}

/// Deletes one of the user's own views; answers whether there was one.
pub async fn delete(tx: &mut Tx, user: i64, id: i64) -> Result<bool> {
    let delete = Query::delete()
        .from_table(SavedViews::Table)
        .and_where(Expr::col(SavedViews::Id).eq(id))
        .and_where(Expr::col(SavedViews::UserId).eq(user))
        .to_owned();
    Ok(tx.execute(&delete).await? == 1)
}
