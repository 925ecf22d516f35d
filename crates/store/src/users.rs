//! Users: the people who sign in. Never deleted, only disabled.

use chrono::{DateTime, Utc};
use kuijing_domain::{Gender, User, UserStatus, Visibility};
use sea_query::{Expr, Func, LikeExpr, Order, Query, SelectStatement};

use crate::Page;
use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::{UserRoles, Users};
use crate::visibility::{contains_pattern, owned_by_visible};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    phone: String,
    name: String,
    gender: Option<String>,
    email: Option<String>,
    department_id: i64,
    post: Option<String>,
    superior_id: Option<i64>,
    status: String,
    locale: Option<String>,
    last_login_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("user `{}` {what}", row.id));
        Ok(User {
            id: row.id,
            gender: row
                .gender
                .as_deref()
                .map(Gender::parse)
                .transpose()
                .map_err(|_| corrupt("gender"))?,
            status: UserStatus::parse(&row.status).map_err(|_| corrupt("status"))?,
            phone: row.phone,
            name: row.name,
            email: row.email,
            department_id: row.department_id,
            post: row.post,
            superior_id: row.superior_id,
            locale: row.locale,
            last_login_at: row.last_login_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const COLUMNS: [Users; 14] = [
    Users::Id,
    Users::Phone,
    Users::Name,
    Users::Gender,
    Users::Email,
    Users::DepartmentId,
    Users::Post,
    Users::SuperiorId,
    Users::Status,
    Users::Locale,
    Users::LastLoginAt,
    Users::Version,
    Users::CreatedAt,
    Users::UpdatedAt,
];

/// The fields a user is written with (all but the password and status).
#[derive(Debug, Clone)]
pub struct UserFields {
    pub phone: String,
    pub name: String,
    pub gender: Option<Gender>,
    pub email: Option<String>,
    pub department_id: i64,
    pub post: Option<String>,
    pub superior_id: Option<i64>,
    pub search_text: String,
}

/// What a list of users is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Normalised text found in the name, phone or e-mail.
    pub search: Option<String>,
    pub department_ids: Option<Vec<i64>>,
    pub status: Option<UserStatus>,
}

fn filtered(visibility: &Visibility, filter: &UserFilter) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(Users::Table)
        .cond_where(owned_by_visible(Users::Id, visibility));
    if let Some(search) = &filter.search {
        query.and_where(
            Expr::col(Users::SearchText).like(LikeExpr::new(contains_pattern(search)).escape('\\')),
        );
    }
    if let Some(departments) = &filter.department_ids {
        query.and_where(Expr::col(Users::DepartmentId).is_in(departments.iter().copied()));
    }
    if let Some(status) = filter.status {
        query.and_where(Expr::col(Users::Status).eq(status.as_str()));
    }
    query
}

/// A page of visible users, by id.
pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    filter: &UserFilter,
    page: Page,
) -> Result<Vec<User>> {
    let mut query = filtered(visibility, filter);
    query.columns(COLUMNS);
    if let Some(after) = page.after {
        query.and_where(Expr::col(Users::Id).gt(after));
    }
    query.order_by(Users::Id, Order::Asc).limit(page.limit);
    let rows: Vec<UserRow> = tx.all(&query).await?;
    rows.into_iter().map(User::try_from).collect()
}

pub async fn count(tx: &mut Tx, visibility: &Visibility, filter: &UserFilter) -> Result<i64> {
    let mut query = filtered(visibility, filter);
    query.expr(Func::count(Expr::col(Users::Id)));
    tx.count(&query).await
}

pub async fn get(tx: &mut Tx, visibility: &Visibility, id: i64) -> Result<Option<User>> {
    let mut query = filtered(visibility, &UserFilter::default());
    query
        .columns(COLUMNS)
        .and_where(Expr::col(Users::Id).eq(id));
    let row: Option<UserRow> = tx.optional(&query).await?;
    row.map(User::try_from).transpose()
}

/// Users by id whatever the scope: for names shown beside records the actor
/// may already see (an owner, a head, a superior), never for lists.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns([Users::Id, Users::Name])
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.all(&query).await
}

/// The user and password hash behind a sign-in phone, active or not. Signing
/// in happens before there is an actor, so this read is not scoped.
pub async fn for_sign_in(tx: &mut Tx, phone: &str) -> Result<Option<(User, String)>> {
    let query = Query::select()
        .columns(COLUMNS)
        .column(Users::PasswordHash)
        .from(Users::Table)
        .and_where(Expr::col(Users::Phone).eq(phone))
        .to_owned();
    let row: Option<SignInRow> = tx.optional(&query).await?;
    row.map(|row| Ok((User::try_from(row.user)?, row.password_hash)))
        .transpose()
}

/// The user behind a session or token, whatever the scope: it is how the
/// actor itself is found.
pub async fn for_actor(tx: &mut Tx, id: i64) -> Result<Option<(User, String)>> {
    let query = Query::select()
        .columns(COLUMNS)
        .column(Users::PasswordHash)
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    let row: Option<SignInRow> = tx.optional(&query).await?;
    row.map(|row| Ok((User::try_from(row.user)?, row.password_hash)))
        .transpose()
}

#[derive(sqlx::FromRow)]
struct SignInRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

pub async fn insert(
    tx: &mut Tx,
    fields: &UserFields,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let query = Query::insert()
        .into_table(Users::Table)
        .columns([
            Users::Phone,
            Users::PasswordHash,
            Users::Name,
            Users::Gender,
            Users::Email,
            Users::DepartmentId,
            Users::Post,
            Users::SuperiorId,
            Users::Status,
            Users::SearchText,
            Users::Version,
            Users::CreatedAt,
            Users::UpdatedAt,
        ])
        .values_panic([
            fields.phone.clone().into(),
            password_hash.into(),
            fields.name.clone().into(),
            fields.gender.map(Gender::as_str).into(),
            fields.email.clone().into(),
            fields.department_id.into(),
            fields.post.clone().into(),
            fields.superior_id.into(),
            UserStatus::Active.as_str().into(),
            fields.search_text.clone().into(),
            1i64.into(),
            now.into(),
            now.into(),
        ])
        .returning_col(Users::Id)
        .to_owned();
    tx.insert_id(&query).await
}

/// Writes new fields when the stored version is still `version`.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &UserFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let query = Query::update()
        .table(Users::Table)
        .values([
            (Users::Phone, fields.phone.clone().into()),
            (Users::Name, fields.name.clone().into()),
            (Users::Gender, fields.gender.map(Gender::as_str).into()),
            (Users::Email, fields.email.clone().into()),
            (Users::DepartmentId, fields.department_id.into()),
            (Users::Post, fields.post.clone().into()),
            (Users::SuperiorId, fields.superior_id.into()),
            (Users::SearchText, fields.search_text.clone().into()),
            (Users::Version, (version + 1).into()),
            (Users::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Users::Id).eq(id))
        .and_where(Expr::col(Users::Version).eq(version))
        .to_owned();
    Ok(tx.execute(&query).await? == 1)
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: UserStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let query = Query::update()
        .table(Users::Table)
        .values([
            (Users::Status, status.as_str().into()),
            (Users::Version, Expr::col(Users::Version).add(1)),
            (Users::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// Moves the version on for a change kept outside the user's row (roles).
pub async fn bump_version(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    let query = Query::update()
        .table(Users::Table)
        .values([
            (Users::Version, Expr::col(Users::Version).add(1)),
            (Users::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str, now: DateTime<Utc>) -> Result<()> {
    let query = Query::update()
        .table(Users::Table)
        .values([
            (Users::PasswordHash, hash.into()),
            (Users::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

pub async fn set_locale(tx: &mut Tx, id: i64, locale: &str) -> Result<()> {
    let query = Query::update()
        .table(Users::Table)
        .values([(Users::Locale, locale.into())])
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

pub async fn touch_sign_in(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    let query = Query::update()
        .table(Users::Table)
        .values([(Users::LastLoginAt, now.into())])
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// How many users there are at all; zero means the company is not set up yet.
pub async fn total(tx: &mut Tx) -> Result<i64> {
    let query = Query::select()
        .expr(Func::count(Expr::col(Users::Id)))
        .from(Users::Table)
        .to_owned();
    tx.count(&query).await
}

/// The ids of the roles a user holds.
pub async fn role_ids(tx: &mut Tx, user: i64) -> Result<Vec<i64>> {
    let query = Query::select()
        .column(UserRoles::RoleId)
        .from(UserRoles::Table)
        .and_where(Expr::col(UserRoles::UserId).eq(user))
        .order_by(UserRoles::RoleId, Order::Asc)
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&query).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Replaces the roles a user holds.
pub async fn set_roles(tx: &mut Tx, user: i64, roles: &[i64]) -> Result<()> {
    let delete = Query::delete()
        .from_table(UserRoles::Table)
        .and_where(Expr::col(UserRoles::UserId).eq(user))
        .to_owned();
    tx.execute(&delete).await?;
    for role in roles {
        let insert = Query::insert()
            .into_table(UserRoles::Table)
            .columns([UserRoles::UserId, UserRoles::RoleId])
            .values_panic([user.into(), (*role).into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// How many active users hold a role.
pub async fn active_with_role(tx: &mut Tx, role: i64) -> Result<i64> {
    let query = Query::select()
        .expr(Func::count(Expr::col((Users::Table, Users::Id))))
        .from(Users::Table)
        .inner_join(
            UserRoles::Table,
            Expr::col((UserRoles::Table, UserRoles::UserId)).equals((Users::Table, Users::Id)),
        )
        .and_where(Expr::col((UserRoles::Table, UserRoles::RoleId)).eq(role))
        .and_where(Expr::col((Users::Table, Users::Status)).eq(UserStatus::Active.as_str()))
        .to_owned();
    tx.count(&query).await
}

/// How many users, of any status, hold a role.
pub async fn any_with_role(tx: &mut Tx, role: i64) -> Result<i64> {
    let query = Query::select()
        .expr(Func::count(Expr::col(UserRoles::UserId)))
        .from(UserRoles::Table)
        .and_where(Expr::col(UserRoles::RoleId).eq(role))
        .to_owned();
    tx.count(&query).await
}

/// Every user's name by id, active or not: for labels in exports and for
/// reading owner names in imports, never for lists.
pub async fn all_names(tx: &mut Tx) -> Result<Vec<(i64, String)>> {
    let query = Query::select()
        .columns([Users::Id, Users::Name])
        .from(Users::Table)
        .order_by(Users::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

/// The first user ever created (the first administrator).
pub async fn first_id(tx: &mut Tx) -> Result<Option<i64>> {
    let query = Query::select()
        .column(Users::Id)
        .from(Users::Table)
        .order_by(Users::Id, Order::Asc)
        .limit(1)
        .to_owned();
    let row: Option<(i64,)> = tx.optional(&query).await?;
    Ok(row.map(|(id,)| id))
}

/// Active users by name, for choosing an approver, a signer or an owner.
pub async fn active_names(tx: &mut Tx) -> Result<Vec<(i64, String)>> {
    let query = Query::select()
        .columns([Users::Id, Users::Name])
        .from(Users::Table)
        .and_where(Expr::col(Users::Status).eq(UserStatus::Active.as_str()))
        .order_by(Users::Name, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

/// Active users with their phone and department, for finding a person an
/// import names by phone or name; the caller checks whom it may choose.
pub async fn active_people(tx: &mut Tx) -> Result<Vec<(i64, String, String, i64)>> {
    let query = Query::select()
        .columns([Users::Id, Users::Name, Users::Phone, Users::DepartmentId])
        .from(Users::Table)
        .and_where(Expr::col(Users::Status).eq(UserStatus::Active.as_str()))
        .order_by(Users::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}
