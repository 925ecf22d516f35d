//! The organisation: departments in a tree, users with departments and direct
//! superiors, and the walks over both that scopes and validation need.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            _ => Err("invalid_choice"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "male" => Ok(Self::Male),
            "female" => Ok(Self::Female),
            _ => Err("invalid_choice"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub head_id: Option<i64>,
    pub sort_order: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub phone: String,
    pub name: String,
    pub gender: Option<Gender>,
    pub email: Option<String>,
    pub department_id: i64,
    pub post: Option<String>,
    pub superior_id: Option<i64>,
    pub status: UserStatus,
    pub locale: Option<String>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The shape of the organisation without the details: who is where, and who
/// reports to whom. Small even for large companies (one row per user).
#[derive(Debug, Clone, Default)]
pub struct OrgChart {
    department_parent: HashMap<i64, Option<i64>>,
    user_department: HashMap<i64, i64>,
    user_superior: HashMap<i64, Option<i64>>,
}

impl OrgChart {
    pub fn new(
        departments: impl IntoIterator<Item = (i64, Option<i64>)>,
        users: impl IntoIterator<Item = (i64, i64, Option<i64>)>,
    ) -> Self {
        let mut chart = Self {
            department_parent: departments.into_iter().collect(),
            ..Self::default()
        };
        for (user, department, superior) in users {
            chart.user_department.insert(user, department);
            chart.user_superior.insert(user, superior);
        }
        chart
    }

    pub fn department_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.department_parent.keys().copied()
    }

    /// Every user, active or not, in no particular order.
    pub fn user_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.user_department.keys().copied()
    }

    pub fn department_of(&self, user: i64) -> Option<i64> {
        self.user_department.get(&user).copied()
    }

    /// The department and every department below it, at any depth.
    pub fn department_and_below(&self, root: i64) -> BTreeSet<i64> {
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for (id, parent) in &self.department_parent {
            if let Some(parent) = parent {
                children.entry(*parent).or_default().push(*id);
            }
        }
        collect_below(root, &children)
    }

    /// The department and every department above it, nearest first,
    /// stopping at a loop should the stored data ever contain one.
    pub fn department_and_above(&self, department: i64) -> Vec<i64> {
        let mut chain = vec![department];
        let mut current = department;
        while let Some(Some(parent)) = self.department_parent.get(&current) {
            if chain.contains(parent) {
                break;
            }
            chain.push(*parent);
            current = *parent;
        }
        chain
    }

    /// The user and everyone who reports to them, directly or through others.
    pub fn user_and_subordinates(&self, root: i64) -> BTreeSet<i64> {
        let mut reports: HashMap<i64, Vec<i64>> = HashMap::new();
        for (id, superior) in &self.user_superior {
            if let Some(superior) = superior {
                reports.entry(*superior).or_default().push(*id);
            }
        }
        collect_below(root, &reports)
    }

    /// Whether making `superior` the direct superior of `user` closes a loop.
    pub fn superior_would_cycle(&self, user: i64, superior: i64) -> bool {
        self.user_and_subordinates(user).contains(&superior)
    }

    /// Whether putting `department` under `parent` would move it under itself.
    pub fn parent_would_cycle(&self, department: i64, parent: i64) -> bool {
        self.department_and_below(department).contains(&parent)
    }

    /// The superiors of a user, nearest first, stopping at a loop should the
    /// stored data ever contain one.
    pub fn superiors_of(&self, user: i64) -> Vec<i64> {
        let mut chain = Vec::new();
        let mut current = user;
        while let Some(Some(next)) = self.user_superior.get(&current) {
            if *next == user || chain.contains(next) {
                break;
            }
            chain.push(*next);
            current = *next;
        }
        chain
    }
}

fn collect_below(root: i64, children: &HashMap<i64, Vec<i64>>) -> BTreeSet<i64> {
    let mut seen = BTreeSet::from([root]);
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        for child in children.get(&node).into_iter().flatten() {
            if seen.insert(*child) {
                stack.push(*child);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 ─┬─ 2 ── 4
    ///    └─ 3
    /// users: 10 (dept 1) ← 11 (dept 2) ← 12 (dept 4); 13 (dept 3) reports to 10.
    fn chart() -> OrgChart {
        OrgChart::new(
            [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2))],
            [
                (10, 1, None),
                (11, 2, Some(10)),
                (12, 4, Some(11)),
                (13, 3, Some(10)),
            ],
        )
    }

    #[test]
    fn department_and_below_walks_every_level() {
        assert_eq!(chart().department_and_below(2), BTreeSet::from([2, 4]));
        assert_eq!(
            chart().department_and_below(1),
            BTreeSet::from([1, 2, 3, 4])
        );
    }

    #[test]
    fn department_and_above_climbs_to_the_top() {
        assert_eq!(chart().department_and_above(4), vec![4, 2, 1]);
        assert_eq!(chart().department_and_above(1), vec![1]);
    }

    #[test]
    fn subordinates_are_found_through_every_level() {
        assert_eq!(
            chart().user_and_subordinates(10),
            BTreeSet::from([10, 11, 12, 13])
        );
        assert_eq!(chart().user_and_subordinates(11), BTreeSet::from([11, 12]));
        assert_eq!(chart().user_and_subordinates(12), BTreeSet::from([12]));
    }

    #[test]
    fn cycles_are_detected() {
        let chart = chart();
        assert!(chart.superior_would_cycle(10, 12));
        assert!(chart.superior_would_cycle(11, 11));
        assert!(!chart.superior_would_cycle(12, 13));
        assert!(chart.parent_would_cycle(2, 4));
        assert!(chart.parent_would_cycle(2, 2));
        assert!(!chart.parent_would_cycle(4, 3));
    }

    #[test]
    fn superiors_are_listed_nearest_first() {
        assert_eq!(chart().superiors_of(12), vec![11, 10]);
        assert!(chart().superiors_of(10).is_empty());
    }
}
