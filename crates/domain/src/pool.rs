//! Public pool rules: who may take how many customers, and when.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Claim limits; `None` means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimLimits {
    pub per_day: Option<i64>,
    pub per_week: Option<i64>,
    pub per_month: Option<i64>,
}

/// Limits for the holders of one role, instead of the pool's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleLimits {
    pub role_id: i64,
    pub limits: ClaimLimits,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PoolRules {
    pub limits: ClaimLimits,
    pub role_limits: Vec<RoleLimits>,
    /// Days before a former owner may claim the same customer again.
    pub reclaim_wait_days: Option<i64>,
    /// The most customers one user may own; a claim past it is refused.
    pub owned_cap: Option<i64>,
}

/// What a user has claimed lately and owns now.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimCounts {
    pub today: i64,
    pub this_week: i64,
    pub this_month: i64,
    pub owned: i64,
}

impl PoolRules {
    /// The limits of a user with these roles: a role's own limits when it
    /// has them (the most generous of them), else the pool's.
    pub fn limits_for(&self, roles: &[i64]) -> ClaimLimits {
        let mine: Vec<ClaimLimits> = self
            .role_limits
            .iter()
            .filter(|r| roles.contains(&r.role_id))
            .map(|r| r.limits)
            .collect();
        if mine.is_empty() {
            return self.limits;
        }
        let widest = |get: fn(&ClaimLimits) -> Option<i64>| {
            if mine.iter().any(|l| get(l).is_none()) {
                None
            } else {
                mine.iter().filter_map(get).max()
            }
        };
        ClaimLimits {
            per_day: widest(|l| l.per_day),
            per_week: widest(|l| l.per_week),
            per_month: widest(|l| l.per_month),
        }
    }

    /// How many more a user may claim now, or `None` for no limit.
    pub fn room(&self, roles: &[i64], counts: ClaimCounts) -> Option<i64> {
        let limits = self.limits_for(roles);
        [
            limits.per_day.map(|l| l - counts.today),
            limits.per_week.map(|l| l - counts.this_week),
            limits.per_month.map(|l| l - counts.this_month),
            self.owned_cap.map(|c| c - counts.owned),
        ]
        .into_iter()
        .flatten()
        .min()
        .map(|room| room.max(0))
    }

    /// Checks the rules themselves: no negative numbers.
    pub fn check(&self) -> Result<(), &'static str> {
        let mut numbers = vec![self.reclaim_wait_days, self.owned_cap];
        for limits in
            std::iter::once(&self.limits).chain(self.role_limits.iter().map(|r| &r.limits))
        {
            numbers.extend([limits.per_day, limits.per_week, limits.per_month]);
        }
        if numbers.into_iter().flatten().any(|n| n < 0) {
            Err("out_of_range")
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tightest_limit_leaves_the_room() {
        let rules = PoolRules {
            limits: ClaimLimits {
                per_day: Some(3),
                per_week: Some(10),
                per_month: None,
            },
            owned_cap: Some(50),
            ..PoolRules::default()
        };
        let counts = ClaimCounts {
            today: 1,
            this_week: 9,
            this_month: 30,
            owned: 20,
        };
        assert_eq!(rules.room(&[], counts), Some(1));
        assert_eq!(
            rules.room(
                &[],
                ClaimCounts {
                    owned: 60,
                    ..counts
                }
            ),
            Some(0)
        );
        assert_eq!(PoolRules::default().room(&[], counts), None);
    }

    #[test]
    fn role_limits_replace_the_pools_and_the_widest_role_wins() {
        let rules = PoolRules {
            limits: ClaimLimits {
                per_day: Some(2),
                ..ClaimLimits::default()
            },
            role_limits: vec![
                RoleLimits {
                    role_id: 7,
                    limits: ClaimLimits {
                        per_day: Some(5),
                        ..ClaimLimits::default()
                    },
                },
                RoleLimits {
                    role_id: 8,
                    limits: ClaimLimits {
                        per_day: Some(9),
                        ..ClaimLimits::default()
                    },
                },
            ],
            ..PoolRules::default()
        };
        assert_eq!(rules.limits_for(&[1]).per_day, Some(2));
        assert_eq!(rules.limits_for(&[7, 8]).per_day, Some(9));
        assert!(
            PoolRules {
                owned_cap: Some(-1),
                ..PoolRules::default()
            }
            .check()
            .is_err()
        );
    }
}
