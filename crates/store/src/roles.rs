//! Roles: permissions and data scopes, kept as JSON text beside the name.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use kuijing_domain::{Kind, Permission, Role, RoleKind, ScopeGrant};
use sea_query::{Expr, Func, LikeExpr, Order, Query};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::{Roles, UserRoles};
use crate::visibility::contains_pattern;

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: i64,
    name: String,
    kind: String,
    code: Option<String>,
    description: Option<String>,
    permissions: String,
    scopes: String,
    version: i64,
    own_name: bool,
    own_description: bool,
}

impl TryFrom<RoleRow> for Role {
    type Error = StoreError;

    fn try_from(row: RoleRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("role `{}` {what}", row.id));
        let permissions: BTreeSet<Permission> =
            serde_json::from_str(&row.permissions).map_err(|_| corrupt("permissions"))?;
        let scopes: BTreeMap<Kind, ScopeGrant> =
            serde_json::from_str(&row.scopes).map_err(|_| corrupt("scopes"))?;
        Ok(Role {
            id: row.id,
            kind: RoleKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?,
            name: row.name,
            code: row.code,
            description: row.description,
            permissions,
            scopes,
            version: row.version,
            own_name: row.own_name,
            own_description: row.own_description,
        })
    }
}

const COLUMNS: [Roles; 10] = [
    Roles::Id,
    Roles::Name,
    Roles::Kind,
    Roles::Code,
    Roles::Description,
    Roles::Permissions,
    Roles::Scopes,
    Roles::Version,
    Roles::OwnName,
    Roles::OwnDescription,
];

/// The fields a role is written with.
#[derive(Debug, Clone)]
pub struct RoleFields {
    pub name: String,
    pub description: Option<String>,
    pub permissions: BTreeSet<Permission>,
    pub scopes: BTreeMap<Kind, ScopeGrant>,
}

fn encode(fields: &RoleFields) -> Result<(String, String)> {
    let permissions = serde_json::to_string(&fields.permissions)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let scopes =
        serde_json::to_string(&fields.scopes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok((permissions, scopes))
}

/// Roles are configuration, not owned records: whoever may view roles sees all.
pub async fn list(tx: &mut Tx, search: Option<&str>) -> Result<Vec<Role>> {
    let mut query = Query::select();
    query.columns(COLUMNS).from(Roles::Table);
    if let Some(search) = search {
        query.and_where(
            Expr::expr(Func::lower(Expr::col(Roles::Name)))
                .like(LikeExpr::new(contains_pattern(&search.to_lowercase())).escape('\\')),
        );
    }
    query.order_by(Roles::Id, Order::Asc);
    let rows: Vec<RoleRow> = tx.all(&query).await?;
    rows.into_iter().map(Role::try_from).collect()
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Role>> {
    let query = Query::select()
        .columns(COLUMNS)
        .from(Roles::Table)
        .and_where(Expr::col(Roles::Id).eq(id))
        .to_owned();
    let row: Option<RoleRow> = tx.optional(&query).await?;
    row.map(Role::try_from).transpose()
}

/// The roles a user holds, for building their actor.
pub async fn of_user(tx: &mut Tx, user: i64) -> Result<Vec<Role>> {
    let query = Query::select()
        .columns(COLUMNS.map(|c| (Roles::Table, c)))
        .from(Roles::Table)
        .inner_join(
            UserRoles::Table,
            Expr::col((UserRoles::Table, UserRoles::RoleId)).equals((Roles::Table, Roles::Id)),
        )
        .and_where(Expr::col((UserRoles::Table, UserRoles::UserId)).eq(user))
        .order_by((Roles::Table, Roles::Id), Order::Asc)
        .to_owned();
    let rows: Vec<RoleRow> = tx.all(&query).await?;
    rows.into_iter().map(Role::try_from).collect()
}

/// The role of a kind with a built-in code, such as the super administrator.
pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<Role>> {
    let query = Query::select()
        .columns(COLUMNS)
        .from(Roles::Table)
        .and_where(Expr::col(Roles::Code).eq(code))
        .to_owned();
    let row: Option<RoleRow> = tx.optional(&query).await?;
    row.map(Role::try_from).transpose()
}

pub async fn insert(
    tx: &mut Tx,
    kind: RoleKind,
    code: Option<&str>,
    fields: &RoleFields,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (permissions, scopes) = encode(fields)?;
    let query = Query::insert()
        .into_table(Roles::Table)
        .columns([
            Roles::Name,
            Roles::Kind,
            Roles::Code,
            Roles::Description,
            Roles::Permissions,
            Roles::Scopes,
            Roles::Version,
            Roles::CreatedAt,
            Roles::UpdatedAt,
        ])
        .values_panic([
            fields.name.clone().into(),
            kind.as_str().into(),
            code.into(),
            fields.description.clone().into(),
            permissions.into(),
            scopes.into(),
            1i64.into(),
            now.into(),
            now.into(),
        ])
        .returning_col(Roles::Id)
        .to_owned();
    tx.insert_id(&query).await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &RoleFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (permissions, scopes) = encode(fields)?;
    let query = Query::update()
        .table(Roles::Table)
        .values([
            (Roles::Name, fields.name.clone().into()),
            (Roles::Description, fields.description.clone().into()),
            (Roles::Permissions, permissions.into()),
            (Roles::Scopes, scopes.into()),
            (Roles::Version, (version + 1).into()),
            (Roles::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Roles::Id).eq(id))
        .and_where(Expr::col(Roles::Version).eq(version))
        .to_owned();
    Ok(tx.execute(&query).await? == 1)
}

/// Marks a built-in role's name, its description or both as the
/// administrator's own: shown as stored in every language from now on.
pub async fn keep_own_names(tx: &mut Tx, id: i64, name: bool, description: bool) -> Result<()> {
    let mut values: Vec<(Roles, sea_query::SimpleExpr)> = Vec::new();
    if name {
        values.push((Roles::OwnName, true.into()));
    }
    if description {
        values.push((Roles::OwnDescription, true.into()));
    }
    if values.is_empty() {
        return Ok(());
    }
    let query = Query::update()
        .table(Roles::Table)
        .values(values)
        .and_where(Expr::col(Roles::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    let query = Query::delete()
        .from_table(Roles::Table)
        .and_where(Expr::col(Roles::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// Role names by id, for the change log.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let query = Query::select()
        .columns([Roles::Id, Roles::Name])
        .from(Roles::Table)
        .and_where(Expr::col(Roles::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.all(&query).await
}
