//! The sheet an export of leads or contacts writes: a header of the kind's
//! columns in the user's language, its custom fields and the creation time,
//! then one row per record, on disk so an export of any size streams.

use kuijing_domain::Kind;
use kuijing_domain::fields::{self, FieldDef};

use crate::error::{Result, ServiceError};
use crate::spreadsheets::{Format, TableWriter};
use crate::{App, Caller};

/// Turns a message key (`fields.name`) into the caller's language, and
/// names the file format.
pub struct Labels<'a> {
    pub text: &'a (dyn Fn(&str) -> String + Sync),
    pub format: Format,
}

pub(crate) struct ExportSheet<'a> {
    writer: TableWriter,
    defs: &'a [FieldDef],
    columns: Vec<String>,
    zone: chrono_tz::Tz,
    rows: u64,
}

/// Yes or no in the caller's language.
pub(crate) fn yes_no(labels: &Labels<'_>, flag: bool) -> String {
    (labels.text)(if flag {
        "customers.yes"
    } else {
        "customers.no"
    })
}

fn io(error: std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("export file: {error}"))
}

/// The columns of an export: those the caller chose for the list (system
/// fields and `custom.<key>`), or the kind's file columns, every custom
/// field and the creation time, which import again as they were.
pub(crate) fn export_columns(
    file: &[&str],
    defs: &[FieldDef],
    chosen: Option<Vec<String>>,
) -> Vec<String> {
    chosen.unwrap_or_else(|| {
        file.iter()
            .map(|c| c.to_string())
            .chain(defs.iter().map(|d| format!("custom.{}", d.key)))
            .chain(["created_at".to_string()])
            .collect()
    })
}

impl<'a> ExportSheet<'a> {
    pub(crate) fn new(
        app: &App,
        labels: &Labels<'_>,
        columns: Vec<String>,
        defs: &'a [FieldDef],
    ) -> Result<Self> {
        let dir = app.settings.data_dir.join("tmp");
        let mut writer = TableWriter::new(labels.format, &dir).map_err(io)?;
        let header: Vec<String> = columns
            .iter()
            .map(|c| match c.strip_prefix("custom.") {
                Some(key) => defs
                    .iter()
                    .find(|d| d.key == key)
                    .map(|d| d.label.clone())
                    .unwrap_or_else(|| key.to_string()),
                None => (labels.text)(&format!("fields.{c}")),
            })
            .collect();
        writer.write_row(&header).map_err(io)?;
        Ok(Self {
            writer,
            defs,
            columns,
            zone: app.time_zone(),
            rows: 0,
        })
    }

    /// An instant as a spreadsheet shows it, in the company's zone.
    pub(crate) fn at(&self, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
        at.map(|t| {
            t.with_timezone(&self.zone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    }

    /// One record: `cell` gives a system column's text (instants through
    /// `at`); custom fields are read from `custom`.
    pub(crate) fn row(
        &mut self,
        cell: impl Fn(&Self, &str) -> String,
        custom: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let cells: Vec<String> = self
            .columns
            .iter()
            .map(|c| match c.strip_prefix("custom.") {
                Some(key) => self
                    .defs
                    .iter()
                    .find(|d| d.key == key)
                    .and_then(|d| {
                        custom
                            .get(&d.key)
                            .map(|v| fields::display_as(d.field_type, v, None, false))
                    })
                    .unwrap_or_default(),
                None => cell(self, c),
            })
            .collect();
        self.writer.write_row(&cells).map_err(io)?;
        self.rows += 1;
        Ok(())
    }

    pub(crate) fn finish(self, kind: Kind, caller: &Caller) -> Result<tempfile::TempPath> {
        tracing::info!(
            record.kind = kind.as_str(),
            rows = self.rows,
            actor.id = caller.user.id,
            "records exported"
        );
        self.writer.finish().map_err(io)
    }
}
