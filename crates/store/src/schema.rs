//! Table and column names for the query builder.

use sea_query::Iden;

#[derive(Iden, Clone, Copy)]
pub enum Departments {
    Table,
    Id,
    Name,
    ParentId,
    HeadId,
    SortOrder,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Users {
    Table,
    Id,
    Phone,
    PasswordHash,
    Name,
    Gender,
    Email,
    DepartmentId,
    Post,
    SuperiorId,
    Status,
    Locale,
    SearchText,
    LastLoginAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Roles {
    Table,
    Id,
    Name,
    Kind,
    Code,
    Description,
    Permissions,
    Scopes,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum UserRoles {
    Table,
    UserId,
    RoleId,
}

#[derive(Iden, Clone, Copy)]
pub enum Sessions {
    Table,
    TokenHash,
    UserId,
    Kind,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(Iden, Clone, Copy)]
pub enum LoginThrottle {
    Table,
    Phone,
    Failures,
    LastFailureAt,
    LockedUntil,
}

#[derive(Iden, Clone, Copy)]
pub enum ChangeLogs {
    Table,
    Id,
    Kind,
    RecordId,
    ActorId,
    Action,
    Changes,
    RequestId,
    CreatedAt,
}
