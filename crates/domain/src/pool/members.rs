//! Who belongs to a pool: users named one by one or through their
//! department (which takes in its sub-departments), and the pool's
//! administrators.

use std::collections::BTreeSet;

use crate::OrgChart;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolMembers {
    pub users: BTreeSet<i64>,
    pub departments: BTreeSet<i64>,
    pub administrators: BTreeSet<i64>,
}

impl PoolMembers {
    /// Whether the user is a member: named, or in a member department or
    /// below one.
    pub fn includes(&self, user: i64, org: &OrgChart) -> bool {
        if self.users.contains(&user) {
            return true;
        }
        org.department_of(user).is_some_and(|department| {
            org.department_and_above(department)
                .iter()
                .any(|d| self.departments.contains(d))
        })
    }

    pub fn administers(&self, user: i64) -> bool {
        self.administrators.contains(&user)
    }

    /// Whether the user may see the pool: a member or an administrator.
    pub fn belongs(&self, user: i64, org: &OrgChart) -> bool {
        self.administers(user) || self.includes(user, org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 ─┬─ 2 ── 4
    ///    └─ 3
    fn chart() -> OrgChart {
        OrgChart::new(
            [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2))],
            [(10, 1, None), (11, 2, None), (12, 4, None), (13, 3, None)],
        )
    }

    #[test]
    fn a_department_takes_in_its_sub_departments_and_not_its_parent() {
        let members = PoolMembers {
            departments: BTreeSet::from([2]),
            ..PoolMembers::default()
        };
        let org = chart();
        assert!(members.includes(11, &org));
        assert!(members.includes(12, &org));
        assert!(!members.includes(10, &org));
        assert!(!members.includes(13, &org));
    }

    #[test]
    fn named_users_and_administrators_belong() {
        let members = PoolMembers {
            users: BTreeSet::from([13]),
            administrators: BTreeSet::from([10]),
            ..PoolMembers::default()
        };
        let org = chart();
        assert!(members.includes(13, &org));
        assert!(!members.includes(10, &org));
        assert!(members.belongs(10, &org));
        assert!(!members.belongs(12, &org));
    }
}
