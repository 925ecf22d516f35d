//! Data scopes: which owners' records a user sees, per kind.
//!
//! A role gives one `ScopeGrant` per kind; a user with several roles gets the
//! union of theirs, which is the widest. `Visibility` is the resolved answer,
//! and every store function that reads records takes one.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::org::OrgChart;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataScope {
    /// Records the user owns.
    Own,
    /// Records of the user and of everyone below them through direct superiors.
    OwnAndSubordinates,
    /// Records owned by anyone in the user's department.
    Department,
    /// Records owned by anyone in the user's department or below it.
    DepartmentAndBelow,
    /// Every record.
    All,
    /// Records owned by anyone in the chosen departments.
    ChosenDepartments,
}

impl DataScope {
    pub const ALL: &'static [DataScope] = &[
        DataScope::Own,
        DataScope::OwnAndSubordinates,
        DataScope::Department,
        DataScope::DepartmentAndBelow,
        DataScope::All,
        DataScope::ChosenDepartments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::OwnAndSubordinates => "own_and_subordinates",
            Self::Department => "department",
            Self::DepartmentAndBelow => "department_and_below",
            Self::All => "all",
            Self::ChosenDepartments => "chosen_departments",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == text)
            .ok_or("invalid_choice")
    }
}

/// A role's data scope for one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScopeGrant {
    pub scope: DataScope,
    /// The departments of `ChosenDepartments`; empty for the other scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<i64>,
}

impl ScopeGrant {
    pub fn new(scope: DataScope) -> Self {
        Self {
            scope,
            departments: Vec::new(),
        }
    }
}

/// Whose records are visible: every record, or those whose owner is one of
/// `users` or belongs to one of `departments`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    pub all: bool,
    pub users: BTreeSet<i64>,
    pub departments: BTreeSet<i64>,
}

impl Visibility {
    pub fn everything() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    /// Resolves grants for the user `actor` of department `department`.
    /// A user always sees their own records, whatever the grants.
    pub fn resolve<'a>(
        grants: impl IntoIterator<Item = &'a ScopeGrant>,
        actor: i64,
        department: i64,
        org: &OrgChart,
    ) -> Self {
        let mut visibility = Self {
            users: BTreeSet::from([actor]),
            ..Self::default()
        };
        for grant in grants {
            match grant.scope {
                DataScope::Own => {}
                DataScope::OwnAndSubordinates => {
                    visibility.users.extend(org.user_and_subordinates(actor));
                }
                DataScope::Department => {
                    visibility.departments.insert(department);
                }
                DataScope::DepartmentAndBelow => {
                    visibility
                        .departments
                        .extend(org.department_and_below(department));
                }
                DataScope::All => visibility.all = true,
                DataScope::ChosenDepartments => {
                    visibility
                        .departments
                        .extend(grant.departments.iter().copied());
                }
            }
        }
        visibility
    }

    /// Whether a record owned by `owner`, who is in `owner_department`, is visible.
    pub fn sees(&self, owner: i64, owner_department: i64) -> bool {
        self.all || self.users.contains(&owner) || self.departments.contains(&owner_department)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> OrgChart {
        OrgChart::new(
            [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1))],
            [
                (10, 2, None),
                (11, 2, Some(10)),
                (12, 3, Some(11)),
                (13, 4, None),
            ],
        )
    }

    fn resolve(scope: DataScope, departments: Vec<i64>) -> Visibility {
        let grant = ScopeGrant { scope, departments };
        Visibility::resolve([&grant], 10, 2, &chart())
    }

    #[test]
    fn every_scope_resolves_to_the_expected_owners() {
        let own = resolve(DataScope::Own, vec![]);
        assert!(own.sees(10, 2) && !own.sees(11, 2));

        let down = resolve(DataScope::OwnAndSubordinates, vec![]);
        assert!(down.sees(11, 2) && down.sees(12, 3) && !down.sees(13, 4));

        let department = resolve(DataScope::Department, vec![]);
        assert!(department.sees(11, 2) && !department.sees(12, 3));

        let below = resolve(DataScope::DepartmentAndBelow, vec![]);
        assert!(below.sees(12, 3) && !below.sees(13, 4));

        let chosen = resolve(DataScope::ChosenDepartments, vec![4]);
        assert!(chosen.sees(13, 4) && chosen.sees(10, 2) && !chosen.sees(11, 2));

        assert!(resolve(DataScope::All, vec![]).sees(99, 99));
    }

    #[test]
    fn several_grants_give_the_widest() {
        let own = ScopeGrant::new(DataScope::Own);
        let chosen = ScopeGrant {
            scope: DataScope::ChosenDepartments,
            departments: vec![4],
        };
        let union = Visibility::resolve([&own, &chosen], 10, 2, &chart());
        assert!(union.sees(10, 2) && union.sees(13, 4) && !union.sees(11, 2));
    }
}
