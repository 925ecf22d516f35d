//! Pipelines, stages and the one rule for moving an opportunity through them.
//!
//! Every way of changing a stage (the form, the board, a bulk change, an
//! import, the API) asks [`plan_move`] what the move means, so they all keep
//! the same history and refuse the same things.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an opportunity stands: still open, or closed one of three ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Open,
    Won,
    Lost,
    Invalid,
}

impl Outcome {
    /// Lost or invalid: closed without a deal, so no contract counts on it.
    pub fn is_empty_close(self) -> bool {
        matches!(self, Self::Lost | Self::Invalid)
    }

    pub const ALL: [Outcome; 4] = [Self::Open, Self::Won, Self::Lost, Self::Invalid];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Won => "won",
            Self::Lost => "lost",
            Self::Invalid => "invalid",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == text.trim())
            .ok_or("invalid_choice")
    }

    /// The place in the business order (open, won, lost, invalid), which
    /// lists sort by.
    pub fn rank(self) -> i64 {
        Self::ALL
            .iter()
            .position(|o| *o == self)
            .unwrap_or_default() as i64
    }

    pub fn is_closed(self) -> bool {
        self != Self::Open
    }
}

/// A stage as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StageDef {
    pub id: i64,
    pub name: String,
    /// 0 to 100.
    pub win_rate: i64,
}

/// What a user asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// To another open stage of the same pipeline.
    Stage(i64),
    /// Won, with the reason it was won for if one is given (kept and
    /// shown as a lost deal's is).
    Win {
        reason: Option<String>,
    },
    Lose {
        reason: String,
    },
    Invalidate {
        reason: Option<String>,
    },
    /// Back to open, at the given stage (or the one it was closed at).
    Reopen {
        stage: Option<i64>,
    },
}

/// What the store writes: the new stage and outcome, and the history row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub stage_id: i64,
    pub outcome: Outcome,
    pub reason: Option<String>,
}

/// Why a move is refused, as a field error code on `stage_id` or `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// The stage is not one of the pipeline's.
    UnknownStage,
    /// A closed opportunity must be reopened before its stage changes.
    Closed,
    /// Closing (won, lost, invalid) an opportunity already closed: it is
    /// reopened first.
    ClosedOutcome,
    /// Reopening an opportunity that is open.
    AlreadyOpen,
    /// Losing needs a reason.
    ReasonRequired,
    /// Nothing would change.
    Unchanged,
}

impl MoveError {
    pub fn field(self) -> &'static str {
        match self {
            Self::ReasonRequired => "reason",
            Self::ClosedOutcome => "outcome",
            _ => "stage_id",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownStage => "unknown_stage",
            Self::Closed => "closed",
            Self::ClosedOutcome => "closed_outcome",
            Self::AlreadyOpen => "already_open",
            Self::ReasonRequired => "required",
            Self::Unchanged => "unchanged",
        }
    }
}

/// An optional reason as kept: trimmed, none when blank.
fn given(reason: &Option<String>) -> Option<String> {
    reason
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// Decides what a move does to an opportunity at `stage_id` with `outcome`.
pub fn plan_move(
    stages: &[StageDef],
    stage_id: i64,
    outcome: Outcome,
    request: &Move,
) -> Result<Planned, MoveError> {
    let known = |id: i64| stages.iter().any(|stage| stage.id == id);
    match request {
        Move::Stage(target) => {
            if !known(*target) {
                return Err(MoveError::UnknownStage);
            }
            if outcome.is_closed() {
                return Err(MoveError::Closed);
            }
            if *target == stage_id {
                return Err(MoveError::Unchanged);
            }
            Ok(Planned {
                stage_id: *target,
                outcome,
                reason: None,
            })
        }
        Move::Win { .. } | Move::Lose { .. } | Move::Invalidate { .. } if outcome.is_closed() => {
            Err(MoveError::ClosedOutcome)
        }
        Move::Win { reason } => Ok(Planned {
            stage_id,
            outcome: Outcome::Won,
            reason: given(reason),
        }),
        Move::Lose { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(MoveError::ReasonRequired);
            }
            Ok(Planned {
                stage_id,
                outcome: Outcome::Lost,
                reason: Some(reason.to_string()),
            })
        }
        Move::Invalidate { reason } => Ok(Planned {
            stage_id,
            outcome: Outcome::Invalid,
            reason: given(reason),
        }),
        Move::Reopen { stage } => {
            if !outcome.is_closed() {
                return Err(MoveError::AlreadyOpen);
            }
            let target = stage.unwrap_or(stage_id);
            if !known(target) {
                return Err(MoveError::UnknownStage);
            }
            Ok(Planned {
                stage_id: target,
                outcome: Outcome::Open,
                reason: None,
            })
        }
    }
}

/// The win rate that weighs an opportunity in the forecast: its stage's while
/// open, all of it when won, nothing when lost or invalid.
pub fn forecast_rate(stages: &[StageDef], stage_id: i64, outcome: Outcome) -> i64 {
    match outcome {
        Outcome::Open => stages
            .iter()
            .find(|stage| stage.id == stage_id)
            .map_or(0, |stage| stage.win_rate.clamp(0, 100)),
        Outcome::Won => 100,
        Outcome::Lost | Outcome::Invalid => 0,
    }
}

/// Checks an administrator's list of stages: at least one, names given and
/// distinct, win rates from 0 to 100. Errors are `(index, field, code)`.
pub fn check_stages(stages: &[(String, i64)]) -> Vec<(usize, &'static str, &'static str)> {
    let mut errors = Vec::new();
    if stages.is_empty() {
        errors.push((0, "stages", "required"));
    }
    for (index, (name, rate)) in stages.iter().enumerate() {
        let key = crate::text::normalize(name);
        if key.is_empty() {
            errors.push((index, "name", "required"));
        } else if stages[..index]
            .iter()
            .any(|(other, _)| crate::text::normalize(other) == key)
        {
            errors.push((index, "name", "taken"));
        }
        if !(0..=100).contains(rate) {
            errors.push((index, "win_rate", "out_of_range"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_rank_open_won_lost_invalid() {
        let ranks: Vec<i64> = [Outcome::Open, Outcome::Won, Outcome::Lost, Outcome::Invalid]
            .into_iter()
            .map(Outcome::rank)
            .collect();
        assert_eq!(ranks, [0, 1, 2, 3]);
    }

    fn stages() -> Vec<StageDef> {
        [(1, 10), (2, 50), (3, 80)]
            .into_iter()
            .map(|(id, win_rate)| StageDef {
                id,
                name: format!("s{id}"),
                win_rate,
            })
            .collect()
    }

    #[test]
    fn open_opportunities_move_between_known_stages() {
        let planned = plan_move(&stages(), 1, Outcome::Open, &Move::Stage(3));
        assert_eq!(planned.map(|p| p.stage_id), Ok(3));
        assert_eq!(
            plan_move(&stages(), 1, Outcome::Open, &Move::Stage(9)),
            Err(MoveError::UnknownStage)
        );
        assert_eq!(
            plan_move(&stages(), 1, Outcome::Open, &Move::Stage(1)),
            Err(MoveError::Unchanged)
        );
    }

    #[test]
    fn closed_opportunities_must_be_reopened_first() {
        assert_eq!(
            plan_move(&stages(), 2, Outcome::Won, &Move::Stage(3)),
            Err(MoveError::Closed)
        );
        assert_eq!(
            plan_move(&stages(), 2, Outcome::Lost, &Move::Win { reason: None }),
            Err(MoveError::ClosedOutcome)
        );
        assert_eq!(MoveError::ClosedOutcome.field(), "outcome");
        let reopened = plan_move(&stages(), 2, Outcome::Lost, &Move::Reopen { stage: None });
        assert_eq!(
            reopened,
            Ok(Planned {
                stage_id: 2,
                outcome: Outcome::Open,
                reason: None
            })
        );
        assert_eq!(
            plan_move(&stages(), 2, Outcome::Open, &Move::Reopen { stage: None }),
            Err(MoveError::AlreadyOpen)
        );
    }

    #[test]
    fn losing_needs_a_reason_and_keeps_it() {
        let lose = |reason: &str| Move::Lose {
            reason: reason.to_string(),
        };
        assert_eq!(
            plan_move(&stages(), 2, Outcome::Open, &lose("  ")),
            Err(MoveError::ReasonRequired)
        );
        let planned = plan_move(&stages(), 2, Outcome::Open, &lose(" 價格太高 "));
        assert_eq!(planned.map(|p| p.reason), Ok(Some("價格太高".to_string())));
        let invalid = plan_move(
            &stages(),
            2,
            Outcome::Open,
            &Move::Invalidate { reason: None },
        );
        assert_eq!(invalid.map(|p| p.outcome), Ok(Outcome::Invalid));
    }

    #[test]
    fn forecast_follows_stage_and_outcome() {
        assert_eq!(forecast_rate(&stages(), 2, Outcome::Open), 50);
        assert_eq!(forecast_rate(&stages(), 2, Outcome::Won), 100);
        assert_eq!(forecast_rate(&stages(), 2, Outcome::Lost), 0);
        assert_eq!(forecast_rate(&stages(), 7, Outcome::Open), 0);
    }

    #[test]
    fn stage_lists_are_checked() {
        assert_eq!(check_stages(&[]), vec![(0, "stages", "required")]);
        let errors = check_stages(&[("A".into(), 10), ("a ".into(), 20), (" ".into(), 101)]);
        assert_eq!(
            errors,
            vec![
                (1, "name", "taken"),
                (2, "name", "required"),
                (2, "win_rate", "out_of_range")
            ]
        );
        for language in ["zh-Hant", "zh-Hans", "en"] {
            let defaults: Vec<(String, i64)> = crate::defaults::starting_names(language)
                .stages
                .iter()
                .map(|(name, rate)| (name.to_string(), *rate))
                .collect();
            assert!(check_stages(&defaults).is_empty(), "{language}");
        }
    }

    #[test]
    fn outcomes_round_trip_as_text() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Ok(outcome));
        }
        assert!(Outcome::parse("maybe").is_err());
    }
}
