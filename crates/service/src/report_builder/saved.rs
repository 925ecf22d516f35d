//! Saved reports: saving, changing, deleting, sharing, and who may open
//! or change one.

use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::saved_reports::{self, SavedReport, Share, Viewer};
use kuijing_store::{Tx, users};

use super::{ReportDefinition, SavedReportView, ShareInput, Stored};
use crate::dashboard::DashboardQuery;
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

impl App {
    async fn check_shares(&self, tx: &mut Tx, shares: &[ShareInput]) -> Result<Vec<Share>> {
        let org = kuijing_store::departments::org_chart(tx).await?;
        let roles = kuijing_store::roles::list(tx, None).await?;
        let mut errors = FieldErrors::new();
        let mut out = Vec::new();
        for (index, share) in shares.iter().enumerate() {
            let known = match share.kind.as_str() {
                "user" => org.department_of(share.id).is_some(),
                "department" => org.department_ids().any(|d| d == share.id),
                "role" => roles.iter().any(|r| r.id == share.id),
                _ => {
                    errors.add(format!("shares.{index}.kind"), "share_kind_unknown");
                    continue;
                }
            };
            if !known {
                errors.add(format!("shares.{index}.id"), "invalid_choice");
                continue;
            }
            let share = Share {
                target_kind: share.kind.clone(),
                target_id: share.id,
            };
            if !out.contains(&share) {
                out.push(share);
            }
        }
        errors.into_result()?;
        Ok(out)
    }

    async fn viewer_roles(&self, tx: &mut Tx, caller: &Caller) -> Result<Vec<i64>> {
        Ok(users::role_ids(tx, caller.user.id).await?)
    }

    /// A saved report the caller may open; any other is not found.
    async fn open_saved(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<SavedReport> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let roles = self.viewer_roles(tx, caller).await?;
        let viewer = Viewer {
            user: caller.user.id,
            department: caller.user.department_id,
            roles: &roles,
        };
        let all = caller.can(Permission::new(Kind::Report, Action::Manage));
        saved_reports::get(tx, id, &viewer, all)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    fn may_edit(&self, caller: &Caller, report: &SavedReport) -> bool {
        caller.can(Permission::new(Kind::Report, Action::Manage))
            || (report.created_by == caller.user.id
                && caller.can(Permission::new(Kind::Report, Action::Create)))
    }

    fn view_of(
        &self,
        caller: &Caller,
        report: SavedReport,
        shares: Vec<Share>,
    ) -> Result<SavedReportView> {
        let stored: Stored = serde_json::from_str(&report.definition)
            .map_err(|e| ServiceError::Internal(format!("saved report {}: {e}", report.id)))?;
        Ok(SavedReportView {
            id: report.id,
            version: report.version,
            created_by: report.created_by,
            editable: self.may_edit(caller, &report),
            definition: ReportDefinition {
                name: report.name,
                kind: report.kind,
                group_by: stored.group_by,
                measures: stored.measures,
                filters: stored.filters,
                period_field: stored.period_field,
                chart: stored.chart,
                shares: shares
                    .into_iter()
                    .map(|s| ShareInput {
                        kind: s.target_kind,
                        id: s.target_id,
                    })
                    .collect(),
            },
        })
    }

    /// The saved reports the caller may open.
    pub async fn saved_reports(&self, caller: &Caller) -> Result<Vec<SavedReportView>> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let mut tx = self.db.read().await?;
        let roles = self.viewer_roles(&mut tx, caller).await?;
        let viewer = Viewer {
            user: caller.user.id,
            department: caller.user.department_id,
            roles: &roles,
        };
        let all = caller.can(Permission::new(Kind::Report, Action::Manage));
        let mut out = Vec::new();
        for report in saved_reports::list(&mut tx, &viewer, all).await? {
            let shares = saved_reports::shares(&mut tx, report.id).await?;
            out.push(self.view_of(caller, report, shares)?);
        }
        Ok(out)
    }

    pub async fn saved_report(&self, caller: &Caller, id: i64) -> Result<SavedReportView> {
        let mut tx = self.db.read().await?;
        let report = self.open_saved(&mut tx, caller, id).await?;
        let shares = saved_reports::shares(&mut tx, id).await?;
        self.view_of(caller, report, shares)
    }

    fn stored_of(definition: &ReportDefinition) -> Result<String> {
        serde_json::to_string(&Stored {
            group_by: definition.group_by.clone(),
            measures: definition.measures.clone(),
            filters: super::filters::normalised(&definition.filters),
            period_field: definition.period_field.clone(),
            chart: definition.chart.clone(),
        })
        .map_err(|e| ServiceError::Internal(format!("report definition: {e}")))
    }

    /// Saves a new report (who may build reports).
    pub async fn create_report(
        &self,
        caller: &Caller,
        definition: &ReportDefinition,
    ) -> Result<SavedReportView> {
        self.may_build_reports(caller)?;
        let mut tx = self.db.write().await?;
        let checked = self
            .check(&mut tx, definition, Some(caller))
            .await
            .map_err(never_of_another_kind);
        let shares = self.check_shares(&mut tx, &definition.shares).await;
        let (_, shares) = both(checked, shares)?;
        let stored = Self::stored_of(definition)?;
        let id = saved_reports::insert(
            &mut tx,
            (definition.name.trim(), &definition.kind, &stored),
            caller.user.id,
            self.now(),
        )
        .await?;
        saved_reports::set_shares(&mut tx, id, &shares).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Report, id),
            kuijing_domain::ChangeAction::Create,
            ("name", definition.name.trim()),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(report.id = id, actor.id = caller.user.id, "report saved");
        self.saved_report(caller, id).await
    }

    /// Changes a saved report: its maker or a report manager, on the version read.
    pub async fn update_report(
        &self,
        caller: &Caller,
        (id, version): (i64, i64),
        definition: &ReportDefinition,
    ) -> Result<SavedReportView> {
        let mut tx = self.db.write().await?;
        let report = self.open_saved(&mut tx, caller, id).await?;
        if !self.may_edit(caller, &report) {
            return Err(ServiceError::Forbidden);
        }
        let checked = self.check(&mut tx, definition, Some(caller)).await;
        let shares = self.check_shares(&mut tx, &definition.shares).await;
        let (_, shares) = both(checked, shares)?;
        let stored = Self::stored_of(definition)?;
        let changed = saved_reports::update(
            &mut tx,
            (id, version),
            (definition.name.trim(), &definition.kind, &stored),
            self.now(),
        )
        .await?;
        if !changed {
            return Err(ServiceError::Stale {
                version: report.version,
            });
        }
        saved_reports::set_shares(&mut tx, id, &shares).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Report,
            id,
            "definition",
            Some(report.definition),
            Some(stored),
        )
        .await?;
        tx.commit().await?;
        self.saved_report(caller, id).await
    }

    pub async fn delete_report(&self, caller: &Caller, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        let report = self.open_saved(&mut tx, caller, id).await?;
        if !self.may_edit(caller, &report) {
            return Err(ServiceError::Forbidden);
        }
        saved_reports::delete(&mut tx, id).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Report, id),
            kuijing_domain::ChangeAction::Delete,
            ("name", &report.name),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(report.id = id, actor.id = caller.user.id, "report deleted");
        Ok(())
    }

    /// A saved report's table as CSV or XLSX, with the report's name to
    /// save it under.
    pub async fn export_saved_report(
        &self,
        caller: &Caller,
        id: i64,
        query: &DashboardQuery,
        format: crate::spreadsheets::Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<(tempfile::TempPath, String)> {
        caller.require(Permission::new(Kind::Report, Action::Export))?;
        // Every group, up to a bound far beyond what a page shows; a file
        // cut there says so in a row of its own.
        let mut report = self
            .run_report_upto(caller, id, query, crate::reports::EXPORT_GROUP_LIMIT)
            .await?;
        crate::reports::name_coded_rows(&mut report, text);
        // Bars over date buckets keep the empty ones, as on the page.
        if let Some(filled) = crate::reports::bars_with_empty_buckets(&report) {
            report = filled;
        }
        let path = crate::reports::write_report(&self.settings.data_dir, &report, format, text)?;
        Ok((path, report.name))
    }
}

/// Two checks' results, with the refusals of both at once.
fn both<A, B>(first: Result<A>, second: Result<B>) -> Result<(A, B)> {
    match (first, second) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(ServiceError::Invalid(mut errors)), Err(ServiceError::Invalid(more))) => {
            errors.0.extend(more.0);
            Err(ServiceError::Invalid(errors))
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    }
}

/// A report saved for the first time has no filters kept from another
/// kind: a field the kind does not have is said to be none of its fields.
fn never_of_another_kind(error: ServiceError) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                if e.code == "filter_not_of_kind" {
                    e.code = "filter_not_in_kind";
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}
