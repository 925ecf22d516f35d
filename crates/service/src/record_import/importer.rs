//! What a kind of record tells the shared import: how a row becomes its
//! input, how it is checked, matched to a stored record and written.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::{DateTime, Utc};
use kuijing_domain::{FieldChange, FieldErrors, Kind};
use kuijing_store::Tx;
use serde_json::{Map, Value};

use super::problem;
use crate::error::Result;
use crate::import_report::RowProblem;
use crate::{App, Caller};

/// What every kind reads the same way: the options chosen by label, the
/// owner by name or phone, and the custom fields as text by key.
#[derive(Debug, Default)]
pub(crate) struct Common {
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub custom: Map<String, Value>,
}

/// One row of the file as its kind reads it: the cleaned text of each
/// mapped column, and the problems found so far.
pub(crate) struct RowIn<'a> {
    pub line: usize,
    pub values: BTreeMap<&'a str, String>,
    pub problems: Vec<RowProblem>,
    /// The fields the file has a column for.
    pub columns: &'a [Option<&'a str>],
    /// The importing user's language, for what the import writes in words.
    pub locale: &'a str,
    /// What the preview shows for a column instead of its cell: a contact's
    /// customer by the name it is stored under.
    pub shown: BTreeMap<&'static str, String>,
}

impl RowIn<'_> {
    pub fn get(&self, field: &str) -> Option<String> {
        self.values.get(field).cloned()
    }

    pub fn problem(&mut self, field: &str, code: &str, value: &str, warning: bool) {
        self.problems
            .push(problem(self.line, field, code, value, warning));
    }
}

/// A stored record matched by a row and updated from it.
pub(crate) enum Updated<F> {
    /// The record's id and name, and each field's old and new value.
    Done(i64, String, Vec<FieldChange>),
    /// The record already holds what the row says: nothing was written, so
    /// its version and change log stay as they were. With the record as
    /// stored, for the preview to show it as it is spelt there.
    Unchanged(i64, String, Box<F>),
    /// The record is outside what the importer may change.
    NotYours,
}

/// One kind of record that imports through the shared engine.
pub(crate) trait Importer: Sync {
    type Input: Send;
    type Fields: Send + Sync;
    const KIND: Kind;
    /// The columns a file may fill, in the template's order.
    const COLUMNS: &'static [&'static str];
    /// The columns a file must have.
    const REQUIRED: &'static [&'static str];
    /// Other headers files use for the kind's fields.
    const SYNONYMS: &'static [(&'static str, &'static str)];

    /// The row as the kind's form would send it.
    fn input(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        row: &mut RowIn<'_>,
        common: Common,
    ) -> impl Future<Output = Result<Self::Input>> + Send;

    /// The row checked as the kind's form is checked.
    fn check(
        &self,
        app: &App,
        tx: &mut Tx,
        input: Self::Input,
        errors: &mut FieldErrors,
    ) -> impl Future<Output = Result<Self::Fields>> + Send;

    fn name(fields: &Self::Fields) -> &str;
    fn custom(fields: &Self::Fields) -> &Map<String, Value>;
    fn custom_mut(fields: &mut Self::Fields) -> &mut Map<String, Value>;
    /// The keys a row is matched by within one file.
    fn keys(fields: &Self::Fields) -> Vec<String>;
    /// The row as the preview shows it (custom fields are added after).
    fn preview(fields: &Self::Fields) -> BTreeMap<String, String>;
    /// The fields that differ between a stored record (none on create) and
    /// what is written, as a page's edit logs them.
    fn describe(old: Option<&Self::Fields>, new: &Self::Fields) -> Vec<FieldChange>;
    /// What creating the record logs: the same function the kind's form
    /// logs its creates with.
    fn created(fields: &Self::Fields, owner: i64) -> Vec<FieldChange>;

    /// The stored record the row matches, if any, with the column that
    /// matched it (`name`, `tax_id`, `phone`, `mobile`, `email`).
    fn existing(
        &self,
        tx: &mut Tx,
        fields: &Self::Fields,
    ) -> impl Future<Output = Result<Option<(i64, &'static str)>>> + Send;

    /// The column a key of [`Importer::keys`] comes from, for the report
    /// of a row repeating an earlier one.
    fn key_field(_fields: &Self::Fields, key: &str) -> &'static str {
        match key.split_once(':').map(|(kind, _)| kind) {
            Some("t") => "tax_id",
            Some("p") => "phone",
            Some("e") => "email",
            _ => "name",
        }
    }

    /// Fills the stored record with what the row has, keeping the rest.
    fn update(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        record: (i64, Self::Fields),
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Updated<Self::Fields>>> + Send;

    fn insert(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        record: (Self::Fields, i64),
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
}
