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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
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
    pub skipped: usize,
    pub failed: usize,
    /// Whether anything was written (not for a dry run, nor for a failed
    /// all-or-nothing import).
    pub written: bool,
    /// Column → field, as used: each column by its header, or by its
    /// number (`#2`) where its header is blank or another column has it too.
    pub mapping: BTreeMap<String, String>,
    /// The field each column of the file is read as, in the file's order
    /// ("" for a column read as none).
    pub columns: Vec<String>,
    /// Headers read as no field.
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

/// One row's error (the row is not written) or warning (it is, cleaned).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowProblem {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub field: String,
    pub code: String,
    pub value: String,
    /// A warning: the value was cleaned and the original kept in the notes.
    pub warning: bool,
    /// For skipped and updated duplicates: the customer it matched.
    pub duplicate_of: Option<i64>,
    /// A custom field's label, to name it in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For a value repeated within the file: the row that has it first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_row: Option<usize>,
    /// Values the message names (`max`, the longest a text may be).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Vec<String>>)]
    pub params: Vec<(String, String)>,
}
