//! Pipelines (商機組): ordered stages with their win rates, set by
//! administrators, each usable by everyone or by chosen departments.

use kuijing_domain::{FieldErrors, pipeline, text};
use kuijing_store::pipelines::{self, Pipeline, PipelineFields};
use kuijing_store::{Tx, departments};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::opportunities::settings;
use crate::{App, Caller};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// An existing stage's id to keep it; left out, a new stage.
    pub id: Option<i64>,
    pub name: String,
    pub win_rate: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineInput {
    pub name: String,
    #[serde(default = "active")]
    pub active: bool,
    /// Departments that may use it; empty for everyone.
    #[serde(default)]
    pub departments: Vec<i64>,
    pub stages: Vec<StageInput>,
    pub version: Option<i64>,
}

fn active() -> bool {
    true
}

impl App {
    /// The pipelines the caller may use: open to everyone, or to a
    /// department the caller is in or below. Administrators see all.
    pub async fn pipelines(&self, caller: &Caller) -> Result<Vec<Pipeline>> {
        let mut tx = self.db.read().await?;
        self.pipelines_in(&mut tx, caller).await
    }

    pub(crate) async fn pipelines_in(&self, tx: &mut Tx, caller: &Caller) -> Result<Vec<Pipeline>> {
        let all = pipelines::list(tx).await?;
        if caller.can(settings()) {
            return Ok(all);
        }
        let org = departments::org_chart(tx).await?;
        let mine = caller.user.department_id;
        Ok(all
            .into_iter()
            .filter(|p| p.active)
            .filter(|p| {
                p.departments.is_empty()
                    || p.departments
                        .iter()
                        .any(|d| org.department_and_below(*d).contains(&mine))
            })
            .collect())
    }

    pub async fn create_pipeline(&self, caller: &Caller, input: PipelineInput) -> Result<Pipeline> {
        caller.require(settings())?;
        let mut tx = self.db.write().await?;
        let name = self.check_pipeline(&mut tx, &input, None).await?;
        let now = self.now();
        let fields = PipelineFields {
            name: &name,
            active: input.active,
            departments: &input.departments,
            sort_order: pipelines::list(&mut tx).await?.len() as i64,
        };
        let id = pipelines::insert(&mut tx, &fields, false, now).await?;
        for (order, stage) in input.stages.iter().enumerate() {
            pipelines::insert_stage(&mut tx, id, stage.name.trim(), stage.win_rate, order as i64)
                .await?;
        }
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Renames, reorders and re-rates stages; a stage left out is removed if
    /// no opportunity stands at it or passed through it, else refused.
    pub async fn update_pipeline(
        &self,
        caller: &Caller,
        id: i64,
        input: PipelineInput,
    ) -> Result<Pipeline> {
        caller.require(settings())?;
        let mut tx = self.db.write().await?;
        let current = pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        crate::stale_check(input.version, current.version, &current)?;
        let name = self.check_pipeline(&mut tx, &input, Some(&current)).await?;
        if current.is_default && !input.active {
            return Err(ServiceError::Invalid(
                kuijing_domain::FieldError::new("active", "default_pipeline").into(),
            ));
        }
        let fields = PipelineFields {
            name: &name,
            active: input.active,
            departments: &input.departments,
            sort_order: current.sort_order,
        };
        if !pipelines::update(&mut tx, id, current.version, &fields, self.now()).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        for stage in &current.stages {
            if !input.stages.iter().any(|s| s.id == Some(stage.id))
                && !pipelines::delete_stage(&mut tx, stage.id).await?
            {
                return Err(ServiceError::Refused {
                    code: "stage_in_use",
                });
            }
        }
        for (order, stage) in input.stages.iter().enumerate() {
            let name = stage.name.trim();
            match stage.id {
                Some(stage_id) => {
                    pipelines::update_stage(&mut tx, stage_id, name, stage.win_rate, order as i64)
                        .await?
                }
                None => {
                    pipelines::insert_stage(&mut tx, id, name, stage.win_rate, order as i64)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Moves a stage one place up (earlier) or down in its pipeline; at
    /// either end it stays where it is.
    pub async fn move_pipeline_stage(
        &self,
        caller: &Caller,
        (id, stage): (i64, i64),
        up: bool,
    ) -> Result<Pipeline> {
        caller.require(settings())?;
        let mut tx = self.db.write().await?;
        let current = pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let at = current
            .stages
            .iter()
            .position(|s| s.id == stage)
            .ok_or(ServiceError::NotFound)?;
        let to = if up { at.checked_sub(1) } else { Some(at + 1) };
        let mut stages = current.stages.clone();
        if let Some(to) = to.filter(|to| *to < stages.len()) {
            stages.swap(at, to);
            for (order, s) in stages.iter().enumerate() {
                pipelines::update_stage(&mut tx, s.id, &s.name, s.win_rate, order as i64).await?;
            }
            tracing::info!(
                pipeline.id = id,
                stage.id = stage,
                actor.id = caller.user.id,
                "pipeline stage moved"
            );
        }
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Makes an active pipeline the default one: new opportunities and the
    /// board use it first.
    pub async fn set_default_pipeline(&self, caller: &Caller, id: i64) -> Result<Pipeline> {
        caller.require(settings())?;
        let mut tx = self.db.write().await?;
        let current = pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !current.active {
            return Err(ServiceError::Refused {
                code: "pipeline_inactive",
            });
        }
        pipelines::set_default(&mut tx, id).await?;
        tx.commit().await?;
        tracing::info!(
            pipeline.id = id,
            actor.id = caller.user.id,
            "default pipeline set"
        );
        let mut tx = self.db.read().await?;
        pipelines::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn check_pipeline(
        &self,
        tx: &mut Tx,
        input: &PipelineInput,
        current: Option<&Pipeline>,
    ) -> Result<String> {
        let mut errors = FieldErrors::new();
        let name = errors
            .take("name", text::parse_name(&input.name, 50))
            .unwrap_or_default();
        let stages: Vec<(String, i64)> = input
            .stages
            .iter()
            .map(|s| (s.name.clone(), s.win_rate))
            .collect();
        for (index, field, code) in pipeline::check_stages(&stages) {
            if field == "stages" {
                errors.add("stages", code);
            } else {
                errors.add(format!("stages.{index}.{field}"), code);
            }
        }
        for (index, stage) in input.stages.iter().enumerate() {
            if let Some(id) = stage.id
                && current.is_none_or(|p| p.stage(id).is_none())
            {
                errors.add(format!("stages.{index}.id"), "unknown_stage");
            }
        }
        let org = departments::org_chart(tx).await?;
        let known: Vec<i64> = org.department_ids().collect();
        if input.departments.iter().any(|d| !known.contains(d)) {
            errors.add("departments", "invalid_choice");
        }
        let others = pipelines::list(tx).await?;
        let key = text::normalize(&name);
        if others
            .iter()
            .any(|p| Some(p.id) != current.map(|c| c.id) && text::normalize(&p.name) == key)
        {
            errors.add("name", "taken");
        }
        errors.into_result()?;
        Ok(name)
    }
}
