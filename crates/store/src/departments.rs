//! Departments: the tree of the organisation.

use chrono::{DateTime, Utc};
use kuijing_domain::{Department, OrgChart, Visibility};
use sea_query::{Condition, Expr, Func, Order, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Departments, Users};

#[derive(sqlx::FromRow)]
struct DepartmentRow {
    id: i64,
    name: String,
    parent_id: Option<i64>,
    head_id: Option<i64>,
    sort_order: i64,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<DepartmentRow> for Department {
    fn from(row: DepartmentRow) -> Self {
        Department {
            id: row.id,
            name: row.name,
            parent_id: row.parent_id,
            head_id: row.head_id,
            sort_order: row.sort_order,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The fields a department is written with.
#[derive(Debug, Clone)]
pub struct DepartmentFields {
    pub name: String,
    pub parent_id: Option<i64>,
    pub head_id: Option<i64>,
    pub sort_order: i64,
}

const COLUMNS: [Departments; 8] = [
    Departments::Id,
    Departments::Name,
    Departments::ParentId,
    Departments::HeadId,
    Departments::SortOrder,
    Departments::Version,
    Departments::CreatedAt,
    Departments::UpdatedAt,
];

/// A department is visible when it is one of the visible departments, or the
/// department of a visible user.
fn visible(visibility: &Visibility) -> Condition {
    if visibility.all {
        return Condition::all();
    }
    let of_users = Query::select()
        .column(Users::DepartmentId)
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).is_in(visibility.users.iter().copied()))
        .to_owned();
    Condition::any()
        .add(Expr::col(Departments::Id).is_in(visibility.departments.iter().copied()))
        .add(Expr::col(Departments::Id).in_subquery(of_users))
}

/// The visible departments in display order; the caller arranges them as a tree.
pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    search: Option<&str>,
) -> Result<Vec<Department>> {
    let mut query = Query::select();
    query
        .columns(COLUMNS)
        .from(Departments::Table)
        .cond_where(visible(visibility));
    if let Some(search) = search {
        let pattern = crate::visibility::contains_pattern(&search.to_lowercase());
        query.and_where(
            Expr::expr(Func::lower(Expr::col(Departments::Name)))
                .like(sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    query
        .order_by(Departments::SortOrder, Order::Asc)
        .order_by(Departments::Id, Order::Asc);
    let rows: Vec<DepartmentRow> = tx.all(&query).await?;
    Ok(rows.into_iter().map(Department::from).collect())
}

pub async fn get(tx: &mut Tx, visibility: &Visibility, id: i64) -> Result<Option<Department>> {
    let query = Query::select()
        .columns(COLUMNS)
        .from(Departments::Table)
        .and_where(Expr::col(Departments::Id).eq(id))
        .cond_where(visible(visibility))
        .to_owned();
    let row: Option<DepartmentRow> = tx.optional(&query).await?;
    Ok(row.map(Department::from))
}

pub async fn insert(tx: &mut Tx, fields: &DepartmentFields, now: DateTime<Utc>) -> Result<i64> {
    let query = Query::insert()
        .into_table(Departments::Table)
        .columns([
            Departments::Name,
            Departments::ParentId,
            Departments::HeadId,
            Departments::SortOrder,
            Departments::Version,
            Departments::CreatedAt,
            Departments::UpdatedAt,
        ])
        .values_panic([
            fields.name.clone().into(),
            fields.parent_id.into(),
            fields.head_id.into(),
            fields.sort_order.into(),
            1i64.into(),
            now.into(),
            now.into(),
        ])
        .returning_col(Departments::Id)
        .to_owned();
    tx.insert_id(&query).await
}

/// Writes new fields when the stored version is still `version`; answers
/// whether it did.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &DepartmentFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let query = Query::update()
        .table(Departments::Table)
        .values([
            (Departments::Name, fields.name.clone().into()),
            (Departments::ParentId, fields.parent_id.into()),
            (Departments::HeadId, fields.head_id.into()),
            (Departments::SortOrder, fields.sort_order.into()),
            (Departments::Version, (version + 1).into()),
            (Departments::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Departments::Id).eq(id))
        .and_where(Expr::col(Departments::Version).eq(version))
        .to_owned();
    Ok(tx.execute(&query).await? == 1)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    let query = Query::delete()
        .from_table(Departments::Table)
        .and_where(Expr::col(Departments::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// How many sub-departments and how many users (any status) a department has.
pub async fn occupancy(tx: &mut Tx, id: i64) -> Result<(i64, i64)> {
    let children = Query::select()
        .expr(Func::count(Expr::col(Departments::Id)))
        .from(Departments::Table)
        .and_where(Expr::col(Departments::ParentId).eq(id))
        .to_owned();
    let users = Query::select()
        .expr(Func::count(Expr::col(Users::Id)))
        .from(Users::Table)
        .and_where(Expr::col(Users::DepartmentId).eq(id))
        .to_owned();
    Ok((tx.count(&children).await?, tx.count(&users).await?))
}

/// The shape of the whole organisation, for resolving scopes and checking
/// cycles. It reads structure only (ids and links), never record data, so it
/// is not scoped.
pub async fn org_chart(tx: &mut Tx) -> Result<OrgChart> {
    let departments = Query::select()
        .columns([Departments::Id, Departments::ParentId])
        .from(Departments::Table)
        .to_owned();
    let users = Query::select()
        .columns([Users::Id, Users::DepartmentId, Users::SuperiorId])
        .from(Users::Table)
        .to_owned();
    let departments: Vec<(i64, Option<i64>)> = tx.all(&departments).await?;
    let users: Vec<(i64, i64, Option<i64>)> = tx.all(&users).await?;
    Ok(OrgChart::new(departments, users))
}

/// The department at the top of the tree (the first one without a parent).
pub async fn top_id(tx: &mut Tx) -> Result<Option<i64>> {
    let query = Query::select()
        .column(Departments::Id)
        .from(Departments::Table)
        .and_where(Expr::col(Departments::ParentId).is_null())
        .order_by(Departments::Id, Order::Asc)
        .limit(1)
        .to_owned();
    let row: Option<(i64,)> = tx.optional(&query).await?;
    Ok(row.map(|(id,)| id))
}

/// Department names by id whatever the scope: for labels beside records the
/// actor may already see, never for lists.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns([Departments::Id, Departments::Name])
        .from(Departments::Table)
        .and_where(Expr::col(Departments::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.all(&query).await
}

/// The departments a user heads.
pub async fn headed_by(tx: &mut Tx, user: i64) -> Result<Vec<i64>> {
    let query = Query::select()
        .column(Departments::Id)
        .from(Departments::Table)
        .and_where(Expr::col(Departments::HeadId).eq(user))
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&query).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn set_head(tx: &mut Tx, id: i64, head: Option<i64>, now: DateTime<Utc>) -> Result<()> {
    let query = Query::update()
        .table(Departments::Table)
        .values([
            (Departments::HeadId, head.into()),
            (Departments::Version, Expr::col(Departments::Version).add(1)),
            (Departments::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Departments::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// Whether a sibling under `parent` already has this name (compared
/// normalised), other than `except`.
pub async fn sibling_named(
    tx: &mut Tx,
    parent: Option<i64>,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let mut query = Query::select();
    query
        .columns([Departments::Id, Departments::Name])
        .from(Departments::Table);
    match parent {
        Some(parent) => query.and_where(Expr::col(Departments::ParentId).eq(parent)),
        None => query.and_where(Expr::col(Departments::ParentId).is_null()),
    };
    let rows: Vec<(i64, String)> = tx.all(&query).await?;
    let wanted = kuijing_domain::text::normalize(name);
    Ok(rows
        .iter()
        .any(|(id, n)| Some(*id) != except && kuijing_domain::text::normalize(n) == wanted))
}
