//! What every import of a sales file shares (products, opportunities,
//! contracts, payments): the file read into rows, its columns found by their
//! header in any of the three languages, each row's problems named by row,
//! field and message code, and one transaction that is committed only when
//! every row is right and the user did not ask for a check alone.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::{FieldError, text};
use kuijing_store::{Tx, customers};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::spreadsheets::{self, Format, Table};

pub(crate) use crate::import_lines::{line_columns, parse_lines};

/// A row that could not be read: its number in the file (the header is 1),
/// the field and the message code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportProblem {
    pub row: usize,
    pub field: String,
    pub code: String,
    /// For `duplicate_in_file`: the earlier row with the same value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_row: Option<usize>,
    /// Values the message names (`max`, the longest a text may be).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Vec<String>>)]
    pub params: Vec<(String, String)>,
    /// A custom field's label, to name it in the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What is wrong and how to put it right, in the user's language
    /// (filled in by the web layer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For an amount past what a contract or an instalment has outstanding
    /// (`exceeds_outstanding_import`, `exceeds_instalment_import`): the
    /// payments not yet approved it counted, earlier rows among them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<kuijing_domain::error::PendingRecord>,
}

/// What an import found and did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportReport {
    /// Records created; none on a check, which counts them in
    /// `would_create`.
    pub created: usize,
    /// Records updated; none on a check (see `would_update`).
    pub updated: usize,
    /// Whether the file was only checked (a dry run): nothing written.
    pub dry_run: bool,
    /// On a check, the rows the import would create.
    pub would_create: usize,
    /// On a check, the stored records the import would update.
    pub would_update: usize,
    /// Rows that matched a stored record and were left out, as asked.
    pub skipped: usize,
    /// Headers that name no field, left out; a column without a header
    /// that has data, by its number (`#3`, the first is `#1`).
    pub ignored_columns: Vec<String>,
    pub problems: Vec<ImportProblem>,
    /// Whether anything was written: not on a check, nor with problems.
    pub written: bool,
}

/// An uploaded file: its bytes, its format, and whether to check it only.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub bytes: &'a [u8],
    pub format: Format,
    pub check_only: bool,
}

/// The columns of one kind of import: every field it reads, the ones a file
/// must have, and the headers (normalised, any language) that name them.
pub struct Columns<'a> {
    pub fields: &'static [&'static str],
    pub required: &'static [&'static str],
    pub aliases: &'a BTreeMap<String, String>,
    /// The kind's custom fields, found by their label or key and read as
    /// `custom.<key>`.
    pub custom: &'a [kuijing_domain::fields::FieldDef],
}

/// A file read and its columns found.
pub(crate) struct Sheet {
    table: Table,
    columns: HashMap<String, usize>,
}

/// Reads a file and finds its columns; headers that name no field are
/// noted in the report. A file without a required column is refused whole,
/// naming the column.
pub(crate) fn open(
    upload: &Upload<'_>,
    columns: &Columns<'_>,
    report: &mut ImportReport,
) -> Result<Sheet> {
    let table = spreadsheets::read(upload.bytes, upload.format)
        .map_err(|code| ServiceError::Invalid(FieldError::new("file", code).into()))?;
    let mut found: HashMap<String, usize> = HashMap::new();
    let mut repeated = kuijing_domain::FieldErrors::new();
    for (index, header) in table.headers.iter().enumerate() {
        let key = text::normalize(header);
        let named = columns
            .aliases
            .get(&key)
            .map(String::as_str)
            .unwrap_or(&key);
        let field = match columns.fields.iter().find(|c| **c == named) {
            Some(field) => Some(field.to_string()),
            None => columns
                .custom
                .iter()
                .find(|d| text::normalize(&d.label) == key || d.key == key)
                .map(|d| format!("custom.{}", d.key)),
        };
        match field {
            // Two columns for one field: which one the user meant is not
            // for the import to guess, so the file is refused naming both.
            Some(field) if found.contains_key(&field) => {
                let first = found[&field];
                let named = |at: usize| {
                    let header = table.headers[at].trim();
                    format!("#{} {header}", at + 1).trim().to_string()
                };
                let mut error = FieldError::new(field.clone(), "columns_repeated")
                    .with("first", named(first))
                    .with("second", named(index));
                error.label = field
                    .strip_prefix("custom.")
                    .and_then(|key| columns.custom.iter().find(|d| d.key == key))
                    .map(|d| d.label.clone());
                repeated.push(error);
            }
            Some(field) => {
                found.insert(field, index);
            }
            // A column without a header is named by its number, when it
            // has data that is left out.
            None if header.trim().is_empty() => {
                let filled = table.rows.iter().any(|row| {
                    row.get(index)
                        .is_some_and(|cell| !spreadsheets::unsafe_cell(cell).trim().is_empty())
                });
                if filled {
                    report.ignored_columns.push(format!("#{}", index + 1));
                }
            }
            None => report.ignored_columns.push(header.clone()),
        }
    }
    repeated.into_result()?;
    if let Some(missing) = columns.required.iter().find(|c| !found.contains_key(**c)) {
        return Err(ServiceError::Invalid(
            FieldError::new(*missing, "column_missing").into(),
        ));
    }
    Ok(Sheet {
        table,
        columns: found,
    })
}

impl Sheet {
    /// The rows with something in them, each with its number in the file.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.table
            .rows
            .iter()
            .zip(&self.table.numbers)
            .map(|(cells, number)| Row {
                number: *number,
                cells,
                columns: &self.columns,
            })
    }
}

/// One row of a file.
pub(crate) struct Row<'a> {
    pub number: usize,
    cells: &'a [String],
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    /// The custom fields the file has, as the service reads them: text by key.
    pub(crate) fn custom(&self) -> serde_json::Map<String, serde_json::Value> {
        self.columns
            .keys()
            .filter_map(|c| c.strip_prefix("custom."))
            .filter_map(|key| {
                let value = self.optional(&format!("custom.{key}"))?;
                Some((key.to_string(), serde_json::Value::String(value)))
            })
            .collect()
    }

    /// A cell as text, trimmed, with the mark that kept a spreadsheet from
    /// running it as a formula taken off; empty when the column is absent.
    pub(crate) fn cell(&self, field: &str) -> String {
        self.columns
            .get(field)
            .and_then(|i| self.cells.get(*i))
            .map(|c| spreadsheets::unsafe_cell(c).trim().to_string())
            .unwrap_or_default()
    }

    /// Whether the file has a column for the field.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.columns.contains_key(field)
    }

    /// A cell, or `None` when it is empty.
    pub(crate) fn optional(&self, field: &str) -> Option<String> {
        Some(self.cell(field)).filter(|c| !c.is_empty())
    }

    /// A date cell in any of the forms `dates::parse_date` reads; empty is none.
    pub(crate) fn date(&self, field: &str) -> Result<Option<chrono::NaiveDate>, &'static str> {
        match self.optional(field) {
            None => Ok(None),
            Some(text) => kuijing_domain::dates::parse_date(&text).map(Some),
        }
    }
}

impl ImportReport {
    pub(crate) fn problem(&mut self, row: usize, field: &str, code: &str) {
        self.problems.push(ImportProblem {
            row,
            field: field.into(),
            code: code.into(),
            other_row: None,
            params: Vec::new(),
            label: None,
            message: None,
            pending: Vec::new(),
        });
    }

    /// The same key seen twice in a file: the later row is named with the
    /// earlier one.
    pub(crate) fn duplicate(&mut self, row: usize, field: &str, first: usize) {
        self.problem(row, field, "duplicate_in_file");
        if let Some(added) = self.problems.last_mut() {
            added.other_row = Some(first);
        }
    }

    /// A field error as a row's problem, with what its message names.
    fn field_problem(&mut self, row: usize, error: kuijing_domain::FieldError) {
        self.problem(row, &error.field, error.code);
        if let Some(added) = self.problems.last_mut() {
            added.params = crate::record_import::params_of(&error);
            added.label = error.label;
            added.pending = error.pending;
        }
    }

    /// A row's checks: field errors become the row's problems (and `None`);
    /// any other error ends the import.
    pub(crate) fn absorb<T>(&mut self, row: usize, result: Result<T>) -> Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(ServiceError::Invalid(errors)) => {
                for error in errors.0 {
                    self.field_problem(row, error);
                }
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// As [`ImportReport::absorb`], leaving out the field errors of a field
    /// the row already has a problem on (found before the row was checked
    /// whole), so each is named once.
    pub(crate) fn absorb_more<T>(&mut self, row: usize, result: Result<T>) -> Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(ServiceError::Invalid(errors)) => {
                for error in errors.0 {
                    let named = self
                        .problems
                        .iter()
                        .any(|p| p.row == row && p.field == error.field);
                    if named {
                        continue;
                    }
                    self.field_problem(row, error);
                }
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Commits the import's transaction when every row was right and more
    /// than a check was asked for; otherwise dropping it rolls every row back.
    pub(crate) async fn finish(
        mut self,
        tx: Tx,
        check_only: bool,
        (kind, actor): (&'static str, i64),
    ) -> Result<Self> {
        if self.problems.is_empty() && !check_only {
            tx.commit().await?;
            self.written = true;
            tracing::info!(
                kind,
                created = self.created,
                updated = self.updated,
                actor.id = actor,
                "records imported"
            );
        } else {
            // Rolled back: nothing was created or updated. A check tells
            // what the import would do.
            drop(tx);
            if check_only {
                self.dry_run = true;
                self.would_create = self.created;
                self.would_update = self.updated;
            }
            self.created = 0;
            self.updated = 0;
        }
        Ok(self)
    }
}

/// A yes-or-no cell in any of the three languages; empty says neither.
pub(crate) fn yes_no(cell: &str) -> Result<Option<bool>, &'static str> {
    match text::normalize(cell).as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" | "是" | "上架" | "on" => Ok(Some(true)),
        "no" | "n" | "false" | "0" | "否" | "下架" | "已下架" | "off" => Ok(Some(false)),
        _ => Err("invalid_choice"),
    }
}

impl crate::App {
    /// The customer a cell names (matched as companies match: width, case,
    /// legal-form suffixes), among those the caller may see, or with
    /// `to_change` may change: `required` when the cell is blank,
    /// `not_found` when none, `ambiguous_name` when several — never the
    /// first of several.
    pub(crate) async fn customer_named(
        &self,
        tx: &mut Tx,
        caller: &crate::Caller,
        name: &str,
        to_change: bool,
    ) -> Result<Result<i64, &'static str>> {
        let key = kuijing_domain::company::match_key(name);
        if key.is_empty() {
            return Ok(Err("required"));
        }
        let kind = kuijing_domain::Kind::Customer;
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let (user, today) = (caller.user.id, self.today());
        let mut found = Vec::new();
        for id in customers::ids_by_name_key(tx, &key).await? {
            let usable = if to_change {
                customers::writable(tx, &visibility, user, today, id).await?
            } else {
                customers::get(tx, &visibility, user, today, id, &[])
                    .await?
                    .is_some()
            };
            if usable {
                found.push(id);
            }
        }
        Ok(match found.as_slice() {
            [one] => Ok(*one),
            [] => Err("not_found"),
            _ => Err("ambiguous_name"),
        })
    }
}

/// The one record whose name (or other key) matches `text`, compared
/// normalised: `not_found` when none does, `ambiguous_name` when several do.
pub(crate) fn one_named<'a>(
    candidates: impl IntoIterator<Item = (i64, &'a str)>,
    text: &str,
) -> Result<i64, &'static str> {
    let wanted = text::normalize(text);
    let mut matched = candidates
        .into_iter()
        .filter(|(_, name)| text::normalize(name) == wanted)
        .map(|(id, _)| id);
    match (matched.next(), matched.next()) {
        (Some(id), None) => Ok(id),
        (Some(_), Some(_)) => Err("ambiguous_name"),
        (None, _) => Err("not_found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_lines::find_product;

    #[test]
    fn a_product_code_written_exactly_wins_over_one_in_another_case() {
        let products = vec![
            (1, "widget".to_string(), Some("W-1".to_string())),
            (2, "widget2".to_string(), Some("w-1".to_string())),
        ];
        assert_eq!(find_product("w-1", &products), Some(2));
        assert_eq!(find_product("W-1", &products), Some(1));
        assert_eq!(find_product("ｗ－１ ", &products[..1]), Some(1));
        assert_eq!(find_product("widget2", &products), Some(2));
    }

    #[test]
    fn names_match_normalised_and_only_once() {
        let people = [
            (1, "王小明"),
            (2, "Ａｌｉｃｅ Chen"),
            (3, "Bob"),
            (4, "bob"),
        ];
        assert_eq!(one_named(people, "王小明"), Ok(1));
        assert_eq!(one_named(people, "alice chen"), Ok(2));
        assert_eq!(one_named(people, "BOB"), Err("ambiguous_name"));
        assert_eq!(one_named(people, "Carol"), Err("not_found"));
    }

    #[test]
    fn product_lines_read_as_an_export_writes_them() {
        let products = [
            (1, "router".to_string(), Some("R-1".to_string())),
            (2, "cablex2".to_string(), None),
        ];
        let lines =
            parse_lines("Router × 2 @ 100.00 −5%; Cable x2 × 1.5\nR-1", &products).expect("lines");
        let read: Vec<(i64, String, String, String)> = lines
            .iter()
            .map(|l| {
                let text = |d: &Option<crate::products::DecimalText>| {
                    d.as_ref().map(|d| d.text()).unwrap_or_default()
                };
                (
                    l.product_id,
                    text(&l.quantity),
                    text(&l.price),
                    text(&l.discount),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (1, "2".into(), "100.00".into(), "5".into()),
                (2, "1.5".into(), String::new(), String::new()),
                (1, String::new(), String::new(), String::new()),
            ]
        );
        assert_eq!(
            parse_lines("Router × 1; Mouse", &products).map(|_| ()),
            Err(vec![(
                "lines.1.product_id".to_string(),
                "product_not_found"
            )])
        );
        assert_eq!(
            parse_lines("Router −%", &products).map(|_| ()),
            Err(vec![("lines.0.discount".to_string(), "line_unreadable")])
        );
        // Every bad line is named, not only the first; codes match in any case.
        assert_eq!(
            parse_lines("Mouse; r-1 × 2; Router −%; Keyboard", &products).map(|_| ()),
            Err(vec![
                ("lines.0.product_id".to_string(), "product_not_found"),
                ("lines.2.discount".to_string(), "line_unreadable"),
                ("lines.3.product_id".to_string(), "product_not_found"),
            ])
        );
    }
}
