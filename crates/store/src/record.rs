//! Statements every kind of record writes the same way: an insert that
//! answers the new id, and an update that only lands on the version read.

use sea_query::{
    Alias, Expr, Func, Iden, InsertStatement, IntoColumnRef, Query, SelectStatement, SimpleExpr,
    UpdateStatement,
};

/// `insert into table (…) values (…) returning id`.
pub(crate) fn insert<T: Iden + Copy + 'static>(
    table: T,
    id: T,
    pairs: Vec<(T, SimpleExpr)>,
) -> InsertStatement {
    let (columns, values): (Vec<T>, Vec<SimpleExpr>) = pairs.into_iter().unzip();
    Query::insert()
        .into_table(table)
        .columns(columns)
        .values_panic(values)
        .returning_col(id)
        .to_owned()
}

/// `update table set …, version = version + 1 where id = ? and version = ?`;
/// it touches no row when someone saved in between.
pub(crate) fn update_versioned<T: Iden + Copy + 'static>(
    table: T,
    (id_column, id): (T, i64),
    (version_column, version): (T, i64),
    mut pairs: Vec<(T, SimpleExpr)>,
) -> UpdateStatement {
    pairs.push((version_column, (version + 1).into()));
    Query::update()
        .table(table)
        .values(pairs)
        .and_where(Expr::col(id_column).eq(id))
        .and_where(Expr::col(version_column).eq(version))
        .to_owned()
}

/// `coalesce(sum(column), 0)` read as a whole number on both databases:
/// PostgreSQL sums a `bigint` column into a `numeric`, which `i64` cannot read.
pub(crate) fn sum_or_zero(column: impl IntoColumnRef) -> SimpleExpr {
    Func::cast_as(
        Func::coalesce([Func::sum(Expr::col(column)).into(), Expr::val(0i64).into()]),
        Alias::new("bigint"),
    )
    .into()
}

/// The columns an owned, versioned record of any kind has.
#[derive(Clone, Copy)]
pub(crate) struct OwnedTable<T> {
    pub table: T,
    pub id: T,
    pub owner: T,
    pub version: T,
    pub updated_at: T,
}

/// Gives records to another owner, each a new version.
pub(crate) fn set_owner<T: Iden + Copy + 'static>(
    t: OwnedTable<T>,
    ids: &[i64],
    owner: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> UpdateStatement {
    Query::update()
        .table(t.table)
        .values([
            (t.owner, owner.into()),
            (t.version, Expr::col(t.version).add(1)),
            (t.updated_at, now.into()),
        ])
        .and_where(Expr::col(t.id).is_in(ids.iter().copied()))
        .to_owned()
}

/// Writes a new record of `kind` from its column pairs and keeps the
/// unique custom values it holds; answers its id.
pub(crate) async fn insert_record<T: Iden + Copy + 'static>(
    tx: &mut crate::Tx,
    t: OwnedTable<T>,
    kind: &str,
    pairs: Vec<(T, SimpleExpr)>,
    custom: &serde_json::Map<String, serde_json::Value>,
) -> crate::error::Result<i64> {
    let id = tx.insert_id(&insert(t.table, t.id, pairs)).await?;
    crate::unique_values::record(tx, kind, id, custom).await?;
    Ok(id)
}

/// Writes a record's fields when the stored version is still `version`
/// (a new version, updated `now`) and keeps its unique custom values;
/// answers whether it was written.
pub(crate) async fn save_versioned<T: Iden + Copy + 'static>(
    tx: &mut crate::Tx,
    (t, kind): (OwnedTable<T>, &str),
    (id, version): (i64, i64),
    mut pairs: Vec<(T, SimpleExpr)>,
    (custom, now): (
        &serde_json::Map<String, serde_json::Value>,
        chrono::DateTime<chrono::Utc>,
    ),
) -> crate::error::Result<bool> {
    pairs.push((t.updated_at, now.into()));
    let update = update_versioned(t.table, (t.id, id), (t.version, version), pairs);
    let saved = tx.execute(&update).await? == 1;
    if saved {
        crate::unique_values::record(tx, kind, id, custom).await?;
    }
    Ok(saved)
}

/// Holds one row until the transaction ends: `select id … for update` on
/// PostgreSQL, where writers of the same record would otherwise read the
/// same figures side by side and both act on them. Statements after it see
/// what the writer before committed. SQLite has one writer connection, so
/// its write transactions already run one after another. Answers whether
/// the row exists.
pub(crate) async fn lock_row<T: Iden + Copy + 'static>(
    tx: &mut crate::Tx,
    table: T,
    id_column: T,
    id: i64,
) -> crate::error::Result<bool> {
    if tx.backend() != crate::Backend::Postgres {
        return Ok(true);
    }
    let select = Query::select()
        .column(id_column)
        .from(table)
        .and_where(Expr::col(id_column).eq(id))
        .lock(sea_query::LockType::Update)
        .to_owned();
    let found: Option<(i64,)> = tx.optional(&select).await?;
    Ok(found.is_some())
}

/// `delete from table where id = ?`.
pub(crate) fn delete<T: Iden + Copy + 'static>(
    table: T,
    id_column: T,
    id: i64,
) -> sea_query::DeleteStatement {
    Query::delete()
        .from_table(table)
        .and_where(Expr::col(id_column).eq(id))
        .to_owned()
}

/// Moves a contract or a payment from one status to another, landing only
/// if it still has the status read; approval also sets its time.
pub(crate) fn set_doc_status<T: Iden + Copy + 'static>(
    t: OwnedTable<T>,
    (status, approved_at): (T, T),
    id: i64,
    (from, to): (
        kuijing_domain::sales::DocStatus,
        kuijing_domain::sales::DocStatus,
    ),
    now: chrono::DateTime<chrono::Utc>,
) -> UpdateStatement {
    let mut values: Vec<(T, SimpleExpr)> = vec![
        (status, to.as_str().into()),
        (t.version, Expr::col(t.version).add(1)),
        (t.updated_at, now.into()),
    ];
    if to == kuijing_domain::sales::DocStatus::Approved {
        values.push((approved_at, now.into()));
    }
    Query::update()
        .table(t.table)
        .values(values)
        .and_where(Expr::col(t.id).eq(id))
        .and_where(Expr::col(status).eq(from.as_str()))
        .to_owned()
}

/// The columns where a record keeps its last follow-up and next contact.
#[derive(Clone, Copy)]
pub(crate) struct FollowUpColumns<T> {
    pub table: T,
    pub id: T,
    pub last_at: T,
    pub last_text: T,
    pub next_contact: T,
}

/// Records a follow-up on a record of any kind: its time and the start of
/// its text, and the next contact time when one was given.
pub(crate) fn touch_follow_up<T: Iden + Copy + 'static>(
    c: FollowUpColumns<T>,
    id: i64,
    (at, text, next): (
        chrono::DateTime<chrono::Utc>,
        &str,
        Option<chrono::DateTime<chrono::Utc>>,
    ),
) -> UpdateStatement {
    // A follow-up written for an earlier day does not move the last
    // follow-up backwards: the latest one stays. Every value is read as it
    // was before this update, so the cases below agree with each other.
    let latest = || {
        Expr::col(c.last_at)
            .is_null()
            .or(Expr::col(c.last_at).lte(at))
    };
    let text: String = text.chars().take(200).collect();
    let mut values: Vec<(T, SimpleExpr)> = vec![
        (
            c.last_at,
            Expr::case(latest(), at)
                .finally(Expr::col(c.last_at))
                .into(),
        ),
        (
            c.last_text,
            Expr::case(latest(), text)
                .finally(Expr::col(c.last_text))
                .into(),
        ),
    ];
    if let Some(next) = next {
        values.push((
            c.next_contact,
            Expr::case(sets_next_contact(c, at), next)
                .finally(Expr::col(c.next_contact))
                .into(),
        ));
    }
    Query::update()
        .table(c.table)
        .values(values)
        .and_where(Expr::col(c.id).eq(id))
        .to_owned()
}

/// Only the latest follow-up (or the first with a next contact) sets when
/// to get in touch next: one written for an earlier day leaves the plan as
/// the later follow-ups made it.
fn sets_next_contact<T: Iden + Copy + 'static>(
    c: FollowUpColumns<T>,
    at: chrono::DateTime<chrono::Utc>,
) -> SimpleExpr {
    Expr::col(c.last_at)
        .is_null()
        .or(Expr::col(c.last_at).lte(at))
        .or(Expr::col(c.next_contact).is_null())
}

/// Counts 1 when a follow-up at `at` would set the record's next contact.
pub(crate) fn next_contact_follows<T: Iden + Copy + 'static>(
    c: FollowUpColumns<T>,
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> SelectStatement {
    Query::select()
        .expr(Func::count(Expr::col(c.id)))
        .from(c.table)
        .and_where(Expr::col(c.id).eq(id))
        .and_where(sets_next_contact(c, at))
        .to_owned()
}

/// Custom field values as stored: a JSON object in a text column.
pub(crate) fn custom_of(
    text: &str,
    what: &str,
    id: i64,
) -> crate::error::Result<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text)
        .map_err(|_| crate::error::StoreError::Corrupt(format!("{what} `{id}` custom fields")))
}

/// Custom field values to store.
pub(crate) fn custom_text(
    custom: &serde_json::Map<String, serde_json::Value>,
) -> crate::error::Result<String> {
    serde_json::to_string(custom).map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))
}

/// Rows marked for their search text to be made again, written so the
/// partial index of the marked rows serves it (SQLite matches the index's
/// own `= 1`, which a bound parameter would not).
pub(crate) fn search_pending(backend: crate::Backend) -> SimpleExpr {
    match backend {
        crate::Backend::Sqlite => Expr::cust("search_pending = 1"),
        crate::Backend::Postgres => Expr::cust("search_pending"),
    }
}
