//! Public pool rules: who may take how many customers, and when; what makes
//! an owned customer go back (see [`recycle`]); who belongs (see [`members`]).

pub mod members;
pub mod recycle;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
pub use members::PoolMembers;
pub use recycle::{CustomerDates, RecycleKind, RecycleRule, Verdict};

/// The largest number a limit, a cap or a count of days may be.
pub const MAX_NUMBER: i64 = 100_000;

/// Claim limits; `None` means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimLimits {
    pub per_day: Option<i64>,
    pub per_week: Option<i64>,
    pub per_month: Option<i64>,
}

impl ClaimLimits {
    /// A limit over a shorter span set above one over a longer span that
    /// holds it (a day's above its week's, a week's or a day's above the
    /// month's) could never be reached: each is refused on the shorter
    /// span's field, naming the longer one (`limit_above_wider`, with
    /// `value`, `other` and `limit`).
    fn narrower_above_wider(&self, prefix: &str) -> Vec<crate::FieldError> {
        let spans = [
            ("per_day", self.per_day),
            ("per_week", self.per_week),
            ("per_month", self.per_month),
        ];
        let mut found = Vec::new();
        for (index, (field, value)) in spans.iter().enumerate() {
            let Some(value) = value else { continue };
            // The nearest longer span that is set.
            let wider = spans[index + 1..]
                .iter()
                .find_map(|(other, limit)| limit.map(|limit| (*other, limit)));
            if let Some((other, limit)) = wider
                && *value > limit
            {
                let error = crate::FieldError::new(format!("{prefix}{field}"), "limit_above_wider")
                    .with("value", value)
                    .with("other", other)
                    .with("limit", limit);
                found.push(error);
            }
        }
        found
    }
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
    /// The most customers one user may own; a claim or an assignment past
    /// it is refused.
    pub owned_cap: Option<i64>,
    /// What sends an owned customer of a member back into this pool.
    pub recycle: Vec<RecycleRule>,
    /// Whether customers that have dealt (won) are never recycled.
    pub won_exempt: bool,
    /// Days before recycling that the owner is reminded; none when empty or 0.
    pub remind_days: Option<i64>,
}

/// What a user has claimed lately and owns now.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimCounts {
    pub today: i64,
    pub this_week: i64,
    pub this_month: i64,
    pub owned: i64,
}

/// Which of a pool's limits a room comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    Day,
    Week,
    Month,
    /// The cap on customers owned at once.
    Owned,
}

impl LimitKind {
    /// The key of the refusal's message.
    pub fn code(self) -> &'static str {
        match self {
            LimitKind::Day => "claim_limit_day",
            LimitKind::Week => "claim_limit_week",
            LimitKind::Month => "claim_limit_month",
            LimitKind::Owned => "claim_limit_owned",
        }
    }
}

/// How many more customers a user may claim under one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    pub kind: LimitKind,
    pub limit: i64,
    pub left: i64,
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

    /// The limit that leaves a user the least room to claim now, or `None`
    /// when nothing limits them.
    pub fn tightest(&self, roles: &[i64], counts: ClaimCounts) -> Option<Room> {
        let limits = self.limits_for(roles);
        [
            (LimitKind::Day, limits.per_day, counts.today),
            (LimitKind::Week, limits.per_week, counts.this_week),
            (LimitKind::Month, limits.per_month, counts.this_month),
            (LimitKind::Owned, self.owned_cap, counts.owned),
        ]
        .into_iter()
        .filter_map(|(kind, limit, used)| {
            limit.map(|limit| Room {
                kind,
                limit,
                left: (limit - used).max(0),
            })
        })
        .min_by_key(|room| room.left)
    }

    /// How many more a user may claim now, or `None` for no limit.
    pub fn room(&self, roles: &[i64], counts: ClaimCounts) -> Option<i64> {
        self.tightest(roles, counts).map(|room| room.left)
    }

    /// How many more customers a user who owns `owned` may be given, or
    /// `None` without a cap.
    pub fn cap_room(&self, owned: i64) -> Option<i64> {
        self.owned_cap.map(|cap| (cap - owned).max(0))
    }

    /// Whether any recycle rule is set, so the pool's members are looked at
    /// by the recycling job.
    pub fn recycles(&self) -> bool {
        !self.recycle.is_empty()
    }

    /// Checks the numbers of the rules, each error under the field a form
    /// shows it in (`per_day`, `role_limits.0.per_week`, `recycle.1.days`).
    /// Whether roles and levels exist is for the caller, who can look.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut number = |field: String, value: Option<i64>| {
            if value.is_some_and(|n| !(0..=MAX_NUMBER).contains(&n)) {
                errors.add(field, "out_of_range");
            }
        };
        let limits = |prefix: &str, limits: &ClaimLimits| {
            [
                (format!("{prefix}per_day"), limits.per_day),
                (format!("{prefix}per_week"), limits.per_week),
                (format!("{prefix}per_month"), limits.per_month),
            ]
        };
        for (field, value) in limits("", &self.limits) {
            number(field, value);
        }
        for (index, role) in self.role_limits.iter().enumerate() {
            for (field, value) in limits(&format!("role_limits.{index}."), &role.limits) {
                number(field, value);
            }
        }
        number("reclaim_wait_days".into(), self.reclaim_wait_days);
        number("owned_cap".into(), self.owned_cap);
        number("remind_days".into(), self.remind_days);
        for (index, rule) in self.recycle.iter().enumerate() {
            if rule.days < 1 {
                errors.add(format!("recycle.{index}.days"), "not_positive");
            } else if rule.days > MAX_NUMBER {
                errors.add(format!("recycle.{index}.days"), "out_of_range");
            }
        }
        errors.0.extend(self.limits.narrower_above_wider(""));
        for (index, role) in self.role_limits.iter().enumerate() {
            let prefix = format!("role_limits.{index}.");
            errors.0.extend(role.limits.narrower_above_wider(&prefix));
        }
        for (index, role) in self.role_limits.iter().enumerate() {
            let earlier = &self.role_limits[..index];
            if earlier.iter().any(|r| r.role_id == role.role_id) {
                errors.add(format!("role_limits.{index}.role_id"), "role_repeated");
            }
        }
        errors.into_result()
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
            rules.tightest(&[], counts),
            Some(Room {
                kind: LimitKind::Week,
                limit: 10,
                left: 1
            })
        );
        assert_eq!(
            rules
                .tightest(
                    &[],
                    ClaimCounts {
                        owned: 60,
                        ..counts
                    }
                )
                .map(|room| room.kind),
            Some(LimitKind::Owned)
        );
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
        assert_eq!(rules.cap_room(48), Some(2));
        assert_eq!(rules.cap_room(60), Some(0));
        assert_eq!(PoolRules::default().cap_room(60), None);
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
    }

    #[test]
    fn a_shorter_spans_limit_above_a_longer_ones_is_refused_naming_both() {
        let limits = |day, week, month| ClaimLimits {
            per_day: day,
            per_week: week,
            per_month: month,
        };
        let rules = PoolRules {
            limits: limits(Some(5), Some(3), None),
            role_limits: vec![RoleLimits {
                role_id: 1,
                limits: limits(Some(9), None, Some(8)),
            }],
            ..PoolRules::default()
        };
        let errors = rules.check().expect_err("refused");
        type Found<'a> = (&'a str, &'a str, Vec<(&'a str, String)>);
        let found: Vec<Found> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code, e.params.clone()))
            .collect();
        let params = |value: &str, other: &'static str, limit: &str| {
            vec![
                ("value", value.to_string()),
                ("other", other.to_string()),
                ("limit", limit.to_string()),
            ]
        };
        assert_eq!(
            found,
            vec![
                ("per_day", "limit_above_wider", params("5", "per_week", "3")),
                (
                    "role_limits.0.per_day",
                    "limit_above_wider",
                    params("9", "per_month", "8")
                ),
            ]
        );
        let fine = PoolRules {
            limits: limits(Some(3), Some(3), Some(10)),
            ..PoolRules::default()
        };
        assert!(fine.check().is_ok());
    }

    #[test]
    fn bad_numbers_are_named_by_the_field_that_holds_them() {
        let rules = PoolRules {
            owned_cap: Some(-1),
            limits: ClaimLimits {
                per_week: Some(MAX_NUMBER + 1),
                ..ClaimLimits::default()
            },
            role_limits: vec![
                RoleLimits {
                    role_id: 3,
                    limits: ClaimLimits {
                        per_month: Some(-5),
                        ..ClaimLimits::default()
                    },
                },
                RoleLimits {
                    role_id: 3,
                    limits: ClaimLimits::default(),
                },
            ],
            recycle: vec![RecycleRule {
                kind: RecycleKind::NoFollowUp,
                days: 0,
                levels: Vec::new(),
            }],
            ..PoolRules::default()
        };
        let errors = rules.check().expect_err("refused");
        let fields: Vec<(&str, &str)> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("per_week", "out_of_range"),
                ("role_limits.0.per_month", "out_of_range"),
                ("owned_cap", "out_of_range"),
                ("recycle.0.days", "not_positive"),
                ("role_limits.1.role_id", "role_repeated"),
            ]
        );
        assert!(PoolRules::default().check().is_ok());
    }

    #[test]
    fn rules_saved_before_recycling_existed_still_read() {
        let old: PoolRules =
            serde_json::from_str(r#"{"limits":{"per_day":3},"reclaim_wait_days":30}"#)
                .expect("reads");
        assert_eq!(old.limits.per_day, Some(3));
        assert!(!old.recycles());
        assert!(!old.won_exempt);
    }
}
