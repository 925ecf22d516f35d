//! The organisation as the approval engine reads it.

use sea_query::Query;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Users;

/// The organisation as the approval engine looks at it: superiors,
/// departments and their heads, role members and who is disabled.
pub async fn directory(tx: &mut Tx) -> Result<kuijing_domain::approval::MapDirectory> {
    use crate::schema::{Departments, UserRoles};
    let users = Query::select()
        .columns([
            Users::Id,
            Users::DepartmentId,
            Users::SuperiorId,
            Users::Status,
        ])
        .from(Users::Table)
        .to_owned();
    let users: Vec<(i64, i64, Option<i64>, String)> = tx.all(&users).await?;
    let departments = Query::select()
        .columns([Departments::Id, Departments::ParentId, Departments::HeadId])
        .from(Departments::Table)
        .to_owned();
    let departments: Vec<(i64, Option<i64>, Option<i64>)> = tx.all(&departments).await?;
    let roles = Query::select()
        .columns([UserRoles::RoleId, UserRoles::UserId])
        .from(UserRoles::Table)
        .to_owned();
    let roles: Vec<(i64, i64)> = tx.all(&roles).await?;
    let mut directory = kuijing_domain::approval::MapDirectory::default();
    for (user, department, superior, status) in users {
        directory.departments.insert(user, department);
        if let Some(superior) = superior {
            directory.superiors.insert(user, superior);
        }
        if status != "active" {
            directory.inactive.insert(user);
        }
    }
    for (department, parent, head) in departments {
        if let Some(parent) = parent {
            directory.parents.insert(department, parent);
        }
        if let Some(head) = head {
            directory.heads.insert(department, head);
        }
    }
    for (role, user) in roles {
        directory.roles.entry(role).or_default().push(user);
    }
    Ok(directory)
}
