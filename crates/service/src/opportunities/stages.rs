//! Moving opportunities through their pipeline's stages to an outcome, one
//! at a time or many at once, keeping the stage history.

use super::*;

/// A stage change: a stage of the same pipeline, or an outcome.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub stage_id: Option<i64>,
    /// `won`, `lost` (needs `reason`), `invalid`, or `open` to reopen.
    pub outcome: Option<String>,
    /// Why it was lost (required), won or is invalid (optional); kept on
    /// the opportunity and in its stage history.
    pub reason: Option<String>,
}

/// The longest reason an opportunity is won, lost or invalid for, in
/// characters.
pub const REASON_MAX: usize = 200;

impl MoveInput {
    /// The move asked for, or the field error that says what is missing.
    pub fn to_move(&self) -> Result<Move> {
        let outcome = match self.outcome.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(Outcome::parse(text).map_err(|code| {
                ServiceError::Invalid(kuijing_domain::FieldError::new("outcome", code).into())
            })?),
        };
        // The reason is capped as the form caps it.
        let reason = text::parse_optional_text(self.reason.as_deref(), REASON_MAX)
            .map_err(|refusal| ServiceError::Invalid(refusal.on("reason").into()))?;
        Ok(match (outcome, self.stage_id) {
            // Closing does not move the stage: asked together, both would
            // not happen, so neither does.
            (Some(Outcome::Won | Outcome::Lost | Outcome::Invalid), Some(_)) => {
                let mut errors = FieldErrors::new();
                errors.add("stage_id", "stage_with_outcome");
                errors.add("outcome", "stage_with_outcome");
                return Err(ServiceError::Invalid(errors));
            }
            (Some(Outcome::Won), _) => Move::Win { reason },
            (Some(Outcome::Lost), _) => Move::Lose {
                reason: reason.unwrap_or_default(),
            },
            (Some(Outcome::Invalid), _) => Move::Invalidate { reason },
            (Some(Outcome::Open), stage) => Move::Reopen { stage },
            (None, Some(stage)) => Move::Stage(stage),
            (None, None) => {
                return Err(ServiceError::Invalid(
                    kuijing_domain::FieldError::new("stage_id", "required").into(),
                ));
            }
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkMoveInput {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every opportunity that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<OpportunityMatch>,
    #[serde(flatten)]
    pub change: MoveInput,
}

impl App {
    /// The one stage change: checks the move against the pipeline, writes
    /// it guarded by the stage read, and records who, when, from and to.
    pub async fn move_opportunity(
        &self,
        caller: &Caller,
        id: i64,
        change: &MoveInput,
        via: &str,
    ) -> Result<Opportunity> {
        caller.require(opportunity(Action::Edit))?;
        let request = change.to_move()?;
        let mut tx = self.db.write().await?;
        self.move_in(&mut tx, caller, id, &request, via).await?;
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        let visibility = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        opportunities::get(&mut tx, &visibility, caller.user.id, self.today(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The same change on several opportunities, all or none.
    pub async fn move_opportunities(&self, caller: &Caller, input: &BulkMoveInput) -> Result<u64> {
        caller.require(opportunity(Action::Edit))?;
        let request = input.change.to_move()?;
        let mut tx = self.db.write().await?;
        let matching = match &input.matching {
            Some(filter) => Some(self.opportunities_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut errors = FieldErrors::new();
        let ids = chosen(&input.ids, matching, &mut errors);
        errors.into_result()?;
        for id in &ids {
            if let Err(error) = self.move_in(&mut tx, caller, *id, &request, "bulk").await {
                return Err(self.naming_opportunity(&mut tx, *id, error).await);
            }
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// A refusal of one of many opportunities names it, so the user knows
    /// which one to look at (the messages speak of "this opportunity").
    async fn naming_opportunity(&self, tx: &mut Tx, id: i64, error: ServiceError) -> ServiceError {
        let ServiceError::Invalid(errors) = error else {
            return error;
        };
        let name = match opportunities::get_unscoped(tx, id).await {
            Ok(Some(found)) => found.name,
            _ => return ServiceError::Invalid(errors),
        };
        let named = errors
            .0
            .into_iter()
            .map(|error| error.labelled(&name).with("id", id))
            .collect();
        ServiceError::Invalid(FieldErrors(named))
    }

    pub(crate) async fn move_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
        request: &Move,
        via: &str,
    ) -> Result<()> {
        // Seen but not theirs to change (a read-only team member, a record
        // outside the write scope): said so, not as a missing permission.
        let current =
            self.writable_opportunity(tx, caller, id)
                .await
                .map_err(|error| match error {
                    ServiceError::Forbidden => ServiceError::Refused {
                        code: "opportunity_read_only",
                    },
                    error => error,
                })?;
        let pipeline = pipelines::get(tx, current.pipeline_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let planned = pipeline::plan_move(
            &pipeline.stage_defs(),
            current.stage_id,
            current.outcome,
            request,
        )
        .map_err(|e| {
            // Reopening an open opportunity is about its outcome (`open`
            // was sent), not its stage.
            let field = if matches!(e, pipeline::MoveError::AlreadyOpen) {
                "outcome"
            } else {
                e.field()
            };
            ServiceError::Invalid(kuijing_domain::FieldError::new(field, e.code()).into())
        })?;
        // An approved contract is money won on it: the opportunity is not
        // lost or invalid while one stands (void the contract first).
        let closing_empty = matches!(planned.outcome, Outcome::Lost | Outcome::Invalid);
        if closing_empty && planned.outcome != current.outcome {
            let numbers = kuijing_store::contracts::standing_contract_numbers(tx, id).await?;
            if let Some(first) = numbers.first() {
                let error = kuijing_domain::FieldError::new("outcome", "opportunity_has_contract")
                    .with("number", first);
                return Err(ServiceError::Invalid(error.into()));
            }
        }
        let change = StageMove {
            id,
            from_stage: current.stage_id,
            from_outcome: current.outcome,
            to_stage: planned.stage_id,
            to_outcome: planned.outcome,
            reason: planned.reason.as_deref(),
            via,
            by: caller.user.id,
            at: self.now(),
        };
        if !opportunities::move_stage(tx, &change).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let stage_name = |stage: i64| pipeline.stage(stage).map(|s| s.name.clone());
        let mut diff = Diff::new();
        diff.field(
            "stage_id",
            stage_name(current.stage_id),
            stage_name(planned.stage_id),
        );
        diff.field(
            "outcome",
            Some(current.outcome.as_str()),
            Some(planned.outcome.as_str()),
        );
        self.log_diff(tx, caller, Kind::Opportunity, id, diff)
            .await?;
        tracing::info!(
            opportunity.id = id,
            stage.id = planned.stage_id,
            outcome = planned.outcome.as_str(),
            via,
            actor.id = caller.user.id,
            "opportunity stage changed"
        );
        Ok(())
    }
}
