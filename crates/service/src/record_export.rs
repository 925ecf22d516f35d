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
    zone: chrono_tz::Tz,
    rows: u64,
}

fn io(error: std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("export file: {error}"))
}

impl<'a> ExportSheet<'a> {
    pub(crate) fn new(
        app: &App,
        labels: &Labels<'_>,
        columns: &[&str],
        defs: &'a [FieldDef],
    ) -> Result<Self> {
        let dir = app.settings.data_dir.join("tmp");
        let mut writer = TableWriter::new(labels.format, &dir).map_err(io)?;
        let mut header: Vec<String> = columns
            .iter()
            .map(|c| (labels.text)(&format!("fields.{c}")))
            .collect();
        header.extend(defs.iter().map(|d| d.label.clone()));
        header.push((labels.text)("fields.created_at"));
        writer.write_row(&header).map_err(io)?;
        Ok(Self {
            writer,
            defs,
            zone: app.time_zone(),
            rows: 0,
        })
    }

    /// One record: its system cells, then its custom fields and creation time.
    pub(crate) fn row(
        &mut self,
        mut cells: Vec<String>,
        custom: &serde_json::Map<String, serde_json::Value>,
        created_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        cells.extend(
            self.defs
                .iter()
                .map(|d| custom.get(&d.key).map(fields::display).unwrap_or_default()),
        );
        let created = created_at.with_timezone(&self.zone);
        cells.push(created.format("%Y-%m-%d %H:%M").to_string());
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
