//! Creating and editing opportunities, and their follow-ups.

use super::*;

impl App {
    pub async fn create_opportunity(
        &self,
        caller: &Caller,
        input: OpportunityInput,
    ) -> Result<OpportunityDetail> {
        self.create_opportunity_via(caller, input, "form").await
    }

    /// As `create_opportunity`, naming where it came from (`form`, `api`,
    /// `import`) in the first row of the stage history.
    pub async fn create_opportunity_via(
        &self,
        caller: &Caller,
        input: OpportunityInput,
        via: &str,
    ) -> Result<OpportunityDetail> {
        caller.require(opportunity(Action::Create))?;
        let mut tx = self.db.write().await?;
        let id = self
            .insert_opportunity(&mut tx, caller, &input, via)
            .await?;
        tx.commit().await?;
        self.get_opportunity(caller, id).await
    }

    /// Checks and writes a new opportunity inside the caller's transaction;
    /// shared by the form, the API and imports.
    pub(crate) async fn insert_opportunity(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &OpportunityInput,
        via: &str,
    ) -> Result<i64> {
        let usable = self.pipelines_in(tx, caller).await?;
        let mut errors = input.unread.clone();
        let pipeline = match input.pipeline_id {
            Some(id) => usable.iter().find(|p| p.id == id && p.active),
            None => usable
                .iter()
                .find(|p| p.is_default)
                .or(usable.iter().find(|p| p.active)),
        };
        let stage = pipeline.and_then(|p| match input.stage_id {
            Some(id) => p.stage(id),
            None => p.stages.first(),
        });
        if pipeline.is_none() {
            errors.add("pipeline_id", "invalid_choice");
        } else if stage.is_none() {
            errors.add("stage_id", "unknown_stage");
        }
        let checked = self
            .check_opportunity(tx, caller, (input, None), errors)
            .await?;
        let (Some(pipeline), Some(stage)) = (pipeline, stage) else {
            return Err(ServiceError::Internal("pipeline checked above".into()));
        };
        let now = self.now();
        let placement = Placement {
            pipeline_id: pipeline.id,
            stage_id: stage.id,
            outcome: Outcome::Open,
            outcome_reason: None,
            closed_at: None,
        };
        let id = opportunities::insert(
            tx,
            &checked.fields,
            &checked.customer_name,
            &placement,
            caller.user.id,
            (caller.user.id, now),
        )
        .await?;
        line_items::replace(tx, Kind::Opportunity.as_str(), id, &checked.lines).await?;
        opportunities::set_contacts(tx, id, &input.contact_ids).await?;
        let first = StageMove {
            id,
            from_stage: stage.id,
            from_outcome: Outcome::Open,
            to_stage: stage.id,
            to_outcome: Outcome::Open,
            reason: None,
            via,
            by: caller.user.id,
            at: now,
        };
        opportunities::record_stage_change(tx, &first, None).await?;
        self.log_named(
            tx,
            caller,
            (Kind::Opportunity, id),
            ChangeAction::Create,
            ("name", &checked.fields.name),
        )
        .await?;
        Ok(id)
    }

    pub async fn update_opportunity(
        &self,
        caller: &Caller,
        id: i64,
        input: OpportunityInput,
    ) -> Result<OpportunityDetail> {
        caller.require(opportunity(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_opportunity(&mut tx, caller, id).await?;
        crate::stale_check(input.version, current.version, &current)?;
        read_only_after_create(&input, &current)?;
        let checked = self
            .check_opportunity(
                &mut tx,
                caller,
                (&input, Some(&current)),
                input.unread.clone(),
            )
            .await?;
        let fields = &checked.fields;
        let mut diff = Diff::new();
        diff.field(
            "name",
            Some(current.name.clone()),
            Some(fields.name.clone()),
        );
        diff.field(
            "customer_id",
            Some(current.customer_id.to_string()),
            Some(fields.customer_id.to_string()),
        );
        diff.field(
            "currency",
            Some(current.currency.clone()),
            Some(fields.currency.clone()),
        );
        diff.field(
            "amount",
            Some(money::amount_text(current.amount)),
            Some(money::amount_text(fields.amount)),
        );
        diff.field(
            "expected_close_on",
            current.expected_close_on.map(|d| d.to_string()),
            fields.expected_close_on.map(|d| d.to_string()),
        );
        diff.field(
            "next_contact_at",
            current.next_contact_at.map(|t| t.to_rfc3339()),
            fields.next_contact_at.map(|t| t.to_rfc3339()),
        );
        diff.field("notes", current.notes.clone(), fields.notes.clone());
        diff.custom(&current.custom, &fields.custom);
        let old_lines = line_items::of_record(&mut tx, Kind::Opportunity.as_str(), id).await?;
        diff.field(
            "lines",
            crate::products::lines_text(&old_lines, &current.currency),
            crate::products::lines_text(&checked.lines, &checked.fields.currency),
        );
        let old_contacts = opportunities::contacts(&mut tx, id).await?;
        if diff.is_empty()
            && fields.amount_by_hand == current.amount_by_hand
            && same_members(&old_contacts, &input.contact_ids)
        {
            // Nothing changes: the stored record stands, at its version.
            drop(tx);
            return self.get_opportunity(caller, id).await;
        }
        let now = self.now();
        if !opportunities::update(
            &mut tx,
            id,
            current.version,
            fields,
            &checked.customer_name,
            now,
        )
        .await?
        {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        line_items::replace(&mut tx, Kind::Opportunity.as_str(), id, &checked.lines).await?;
        opportunities::set_contacts(&mut tx, id, &input.contact_ids).await?;
        self.log_diff(&mut tx, caller, Kind::Opportunity, id, diff)
            .await?;
        tx.commit().await?;
        self.get_opportunity(caller, id).await
    }

    /// Writes a follow-up on an opportunity the caller sees, with the files
    /// uploaded in the composer.
    pub async fn add_opportunity_follow_up(
        &self,
        caller: &Caller,
        id: i64,
        input: FollowUpInput,
        files: Vec<Upload>,
    ) -> Result<FollowUp> {
        self.add_follow_up(caller, Kind::Opportunity, id, input, &files)
            .await
    }
}

/// The pipeline and the stage are read on create only: afterwards the stage
/// changes through `POST /api/v1/opportunities/{id}/stage`, and the pipeline
/// not at all (a deal for another pipeline is a new opportunity there). Sent as stored,
/// they are accepted (a client sends back what it read).
fn read_only_after_create(input: &OpportunityInput, current: &Opportunity) -> Result<()> {
    let mut errors = FieldErrors::new();
    if input.pipeline_id.is_some_and(|p| p != current.pipeline_id) {
        errors.add("pipeline_id", "pipeline_fixed");
    }
    if input.stage_id.is_some_and(|s| s != current.stage_id) {
        errors.add("stage_id", "stage_through_stage_action");
    }
    Ok(errors.into_result()?)
}

/// Whether two id lists hold the same ids, in whatever order.
fn same_members(stored: &[i64], sent: &[i64]) -> bool {
    let mut stored = stored.to_vec();
    let mut sent = sent.to_vec();
    stored.sort_unstable();
    stored.dedup();
    sent.sort_unstable();
    sent.dedup();
    stored == sent
}
