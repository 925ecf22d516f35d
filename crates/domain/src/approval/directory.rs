//! The org chart as the engine asks it.

use std::collections::{HashMap, HashSet};

/// The org chart as the engine needs it. The service implements it over a
/// snapshot taken at submit; [`MapDirectory`] is a ready one.
pub trait Directory {
    /// The user's direct superior.
    fn superior(&self, user: i64) -> Option<i64>;
    /// The head of the user's department.
    fn department_head(&self, user: i64) -> Option<i64>;
    /// The head of the parent of the user's department, for a submitter who
    /// heads their own department.
    fn parent_department_head(&self, user: i64) -> Option<i64>;
    /// The members of a role, active or not.
    fn role_members(&self, role: i64) -> Vec<i64>;
    fn is_active(&self, user: i64) -> bool;
}

/// A [`Directory`] over maps; users not in `inactive` are active.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapDirectory {
    /// User → direct superior.
    pub superiors: HashMap<i64, i64>,
    /// User → department.
    pub departments: HashMap<i64, i64>,
    /// Department → parent department.
    pub parents: HashMap<i64, i64>,
    /// Department → head.
    pub heads: HashMap<i64, i64>,
    /// Role → members.
    pub roles: HashMap<i64, Vec<i64>>,
    pub inactive: HashSet<i64>,
}

impl Directory for MapDirectory {
    fn superior(&self, user: i64) -> Option<i64> {
        self.superiors.get(&user).copied()
    }

    fn department_head(&self, user: i64) -> Option<i64> {
        let department = self.departments.get(&user)?;
        self.heads.get(department).copied()
    }

    fn parent_department_head(&self, user: i64) -> Option<i64> {
        let parent = self.parents.get(self.departments.get(&user)?)?;
        self.heads.get(parent).copied()
    }

    fn role_members(&self, role: i64) -> Vec<i64> {
        self.roles.get(&role).cloned().unwrap_or_default()
    }

    fn is_active(&self, user: i64) -> bool {
        !self.inactive.contains(&user)
    }
}
