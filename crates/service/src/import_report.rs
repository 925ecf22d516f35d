//! What an import of customers, leads or contacts is asked to do (format,
//! dry run, duplicates, mapping) and the report it answers with, row by row.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::spreadsheets::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DuplicateMode {
    #[default]
    Skip,
    Update,
    Create,
}

impl DuplicateMode {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "skip" => Some(Self::Skip),
            "update" => Some(Self::Update),
            "create" => Some(Self::Create),
            _ => None,
        }
    }
}

pub struct ImportOptions {
    pub format: Format,
    pub dry_run: bool,
    pub duplicates: DuplicateMode,
    /// Write the good rows when some fail; otherwise a failure writes nothing.
    pub partial: bool,
    /// Column → field: a column named by its number (`#2`, the first is
    /// `#1`) or by its header where no other column has it; columns left
    /// out are matched by name.
    pub mapping: Option<BTreeMap<String, String>>,
    /// Field labels in every language, normalised, for matching headers.
    pub aliases: BTreeMap<String, String>,
    /// The importing user's language (`en`, `zh-Hant`, `zh-Hans`): what the
    /// import writes into records (the notes an odd e-mail is kept in) is
    /// in it.
    pub locale: String,
}

/// What an import of customers, leads or contacts found and did (the
/// sales imports answer a report of their own).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RecordImportReport)]
pub struct ImportReport {
    /// The rows of the file below its header.
    pub total: usize,
    /// Records created; none on a dry run, which counts them in
    /// `would_create`.
    pub created: usize,
    /// Records updated; none on a dry run (see `would_update`).
    pub updated: usize,
    /// Whether this was a dry run: the rows were checked, nothing written.
    pub dry_run: bool,
    /// On a dry run, the rows that would be created by the import.
    pub would_create: usize,
    /// On a dry run, the stored records the import would update.
    pub would_update: usize,
    /// Rows left out: duplicates skipped as asked, or rows that would
    /// change nothing of the stored record they match.
    pub skipped: usize,
    /// Rows with an error, not written.
    pub failed: usize,
    /// Whether any record was created or updated: not on a dry run, nor
    /// for a failed all-or-nothing import, nor when every row was skipped.
    pub written: bool,
    /// Column → field, as used: each column by its header, or by its
    /// number (`#2`) where its header is blank, another column has it too
    /// or it reads as a column number itself; sent back as `mapping`, it
    /// reads the same columns as the same fields.
    pub mapping: BTreeMap<String, String>,
    /// The field each column of the file is read as, in the file's order
    /// ("" for a column read as none).
    pub columns: Vec<String>,
    /// The columns read as no field, named as `mapping` names columns.
    pub unmapped: Vec<String>,
    pub problems: Vec<RowProblem>,
    /// The first rows as they would be written, for the preview: every
    /// mapped column by field (options by label, the owner by name, the
    /// next contact as local `YYYY-MM-DD HH:MM`, custom fields as
    /// `custom.<key>`, an empty cell as ""), and the region a one-line
    /// address is split into.
    #[schema(value_type = Vec<Object>)]
    pub preview: Vec<BTreeMap<String, String>>,
}

/// One row's error (the row is not written) or warning (it is, cleaned),
/// or a duplicate skipped or updated.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RecordImportProblem)]
pub struct RowProblem {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub field: String,
    pub code: String,
    /// The row's value in the field.
    pub value: String,
    /// A warning: the row is written (cleaned, the original kept in the
    /// notes) or left out as a duplicate, not refused.
    pub warning: bool,
    /// For skipped and updated duplicates: the stored record it matched.
    pub duplicate_of: Option<i64>,
    /// A custom field's label, to name it in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For a row repeating an earlier one of the file
    /// (`duplicate_in_file`, `custom_value_repeated`): that earlier row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_row: Option<usize>,
    /// Values the message names (`max`, the longest a text may be).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Vec<String>>)]
    pub params: Vec<(String, String)>,
    /// What is wrong and how to put it right, in the caller's language, as
    /// the import page shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
