//! The one import of customers, leads and contacts: the file read, its
//! headers mapped to fields (as the user chose, else by key, label in any
//! language or known synonym, custom fields by label or key), every row
//! cleaned and checked, duplicates within the file and among stored records
//! skipped, updated or created as asked, unique custom values kept unique,
//! a preview of the first rows, and a report naming each row's problems.
//! Nothing is written on a dry run; when rows fail, nothing is written
//! unless the user asked for the good rows alone.
//!
//! What differs between the kinds (their columns, how a row becomes a
//! record, how a stored duplicate is found and written) is an [`Importer`].

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use chrono::{DateTime, Utc};
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldError, FieldErrors, Kind, Permission, text,
};
use kuijing_store::{Tx, departments, options};
use serde_json::{Map, Value};

use crate::contract_import::People;
use crate::error::{Result, ServiceError};
use crate::import_report::{DuplicateMode, ImportOptions, ImportReport, RowProblem};
use crate::spreadsheets;
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
pub(crate) enum Updated {
    /// The record's id and name, and each field's old and new value.
    Done(i64, String, Vec<FieldChange>),
    /// The record already holds what the row says: nothing was written, so
    /// its version and change log stay as they were.
    Unchanged(i64, String),
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
    ) -> impl Future<Output = Result<Updated>> + Send;

    fn insert(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        record: (Self::Fields, i64),
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
}

/// The field of a change log entry that says how the change was made:
/// `import` for a record created or updated from a file.
pub const VIA: &str = "via";

/// The options a row may name by label, with the field that holds each.
const CHOICES: [&str; 3] = ["level_id", "industry_id", "source_id"];

/// The columns a file of the kind may fill, custom fields included.
pub(crate) fn importable<I: Importer>(defs: &[FieldDef]) -> Vec<String> {
    I::COLUMNS
        .iter()
        .map(|f| f.to_string())
        .chain(defs.iter().map(|d| format!("custom.{}", d.key)))
        .collect()
}

impl App {
    /// Reads a file of records of the importer's kind and writes them,
    /// unless it is a dry run or (without `partial`) any row fails.
    pub(crate) async fn import_records<I: Importer>(
        &self,
        importer: &I,
        caller: &Caller,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(I::KIND, Action::Import))?;
        caller.require(Permission::new(I::KIND, Action::Create))?;
        let table = spreadsheets::read(bytes, options.format)
            .map_err(|code| ServiceError::Invalid(FieldError::new("file", code).into()))?;
        let defs = {
            let mut tx = self.db.read().await?;
            self.field_defs_in(&mut tx, I::KIND).await?
        };
        let importable = importable::<I>(&defs);
        let mut aliases = options.aliases.clone();
        for def in &defs {
            let target = format!("custom.{}", def.key);
            aliases.insert(text::normalize(&def.label), target.clone());
            aliases.insert(text::normalize(&def.key), target);
        }
        let (mapping, unmapped) = map_headers(
            &table.headers,
            options.mapping.as_ref(),
            (&aliases, I::SYNONYMS),
            &importable,
        )?;
        let column_of: Vec<Option<&str>> = table
            .headers
            .iter()
            .map(|h| mapping.get(h).map(String::as_str))
            .collect();
        if !column_of.contains(&Some("name")) {
            // Each kind names its own name: a contact's is the person's.
            let code = match I::KIND {
                Kind::Lead => "lead_name_column_required",
                Kind::Contact => "contact_name_column_required",
                _ => "name_column_required",
            };
            return Err(FieldErrors::from(FieldError::new("mapping", code)).into());
        }
        if let Some(missing) = I::REQUIRED.iter().find(|c| !column_of.contains(&Some(**c))) {
            return Err(FieldErrors::from(FieldError::new(*missing, "column_missing")).into());
        }

        let mut tx = self.db.write().await?;
        // Before any duplicate is looked for: a parallel import of the same
        // file then sees this one's rows (PostgreSQL; SQLite has one writer).
        tx.lock_imports(I::KIND.as_str()).await?;
        let org = departments::org_chart(&mut tx).await?;
        let choice = options::of_kind(&mut tx, "customer").await?;
        let people = People::load(&mut tx).await?;
        let now = self.now();
        let mut report = ImportReport {
            total: table.rows.len(),
            created: 0,
            updated: 0,
            dry_run: options.dry_run,
            would_create: 0,
            would_update: 0,
            skipped: 0,
            failed: 0,
            written: false,
            mapping: mapping.clone(),
            unmapped,
            problems: Vec::new(),
            preview: Vec::new(),
        };
        // Keys of the rows already taken from this file, so a file does not
        // duplicate itself.
        let mut seen: HashMap<String, usize> = HashMap::new();
        // A dry run tells what the import would do, never what it did.
        let updated_code = if options.dry_run {
            "duplicate_would_update"
        } else {
            "duplicate_updated"
        };
        // Unique custom fields' values taken by earlier rows: field, value → row.
        let mut seen_values: HashMap<(String, String), usize> = HashMap::new();

        for (cells, line) in table.rows.iter().zip(table.numbers.iter().copied()) {
            let mut row = RowIn {
                line,
                values: BTreeMap::new(),
                problems: Vec::new(),
                columns: &column_of,
                locale: &options.locale,
            };
            for (cell, column) in cells.iter().zip(&column_of) {
                if let Some(column) = column {
                    let cleaned = clean_text(spreadsheets::unsafe_cell(cell));
                    if !cleaned.is_empty() {
                        row.values.insert(column, cleaned);
                    }
                }
            }
            let mut common = Common::default();
            for (field, target) in CHOICES.into_iter().zip([
                &mut common.level_id,
                &mut common.industry_id,
                &mut common.source_id,
            ]) {
                let Some(label) = row.get(field) else {
                    continue;
                };
                let wanted = text::normalize(&label);
                match choice
                    .iter()
                    .find(|o| o.field == field && text::normalize(&o.label) == wanted)
                {
                    Some(option) => *target = Some(option.id),
                    None => row.problem(field, "invalid_choice", &label, false),
                }
            }
            if let Some(owner) = row.get("owner_id") {
                match people.find(&owner) {
                    Ok((id, _)) => common.owner_id = Some(id),
                    Err(code) => row.problem("owner_id", code, &owner, false),
                }
            }
            if let Some(at) = row.get("next_contact_at") {
                let zone = self.time_zone();
                let local = kuijing_domain::dates::parse_date_time(&at)
                    .map(|t| t.and_local_timezone(zone).earliest());
                match local {
                    Ok(Some(local)) => common.next_contact_at = Some(local.with_timezone(&Utc)),
                    Ok(None) => row.problem("next_contact_at", "date_time_invalid", &at, false),
                    Err(code) => row.problem("next_contact_at", code, &at, false),
                }
            }
            for (column, value) in &row.values {
                if let Some(key) = column.strip_prefix("custom.") {
                    common
                        .custom
                        .insert(key.to_string(), Value::String(value.clone()));
                }
            }
            // The custom fields the row has a value for: an update changes
            // these alone, and a default fills the others only on create.
            let given: Vec<String> = common.custom.keys().cloned().collect();
            let owner = common.owner_id.unwrap_or(caller.user.id);
            let read = Read {
                choices: [common.level_id, common.industry_id, common.source_id],
                owner: common.owner_id,
                next_contact_at: common.next_contact_at,
            };
            let input = importer
                .input(self, &mut tx, caller, &mut row, common)
                .await?;
            let mut errors = FieldErrors::new();
            if owner != caller.user.id {
                self.check_owner_of(
                    &mut tx,
                    (caller, &org),
                    I::KIND,
                    owner,
                    ("owner_id", &mut errors),
                )
                .await?;
            }
            let mut fields = importer.check(self, &mut tx, input, &mut errors).await?;
            // A required custom field the row leaves empty fails the row only
            // when it creates a record: an update keeps the stored value.
            let (deferred, errors): (Vec<FieldError>, Vec<FieldError>) =
                errors.0.into_iter().partition(|e| {
                    e.code == "required"
                        && e.field
                            .strip_prefix("custom.")
                            .is_some_and(|key| !given.iter().any(|g| g == key))
                });
            for e in &errors {
                let value = row.get(&e.field).unwrap_or_default();
                row.problems.push(RowProblem {
                    label: e.label.clone(),
                    params: params_of(e),
                    ..problem(line, &e.field, e.code, &value, false)
                });
            }
            let failed = row.problems.iter().any(|p| !p.warning);
            if report.preview.len() < 5 && !failed {
                let mut shown = preview_of::<I>(&fields, &defs);
                let context = (&choice[..], &people, self.time_zone());
                fill_preview(&mut shown, &row, &read, context);
                report.preview.push(shown);
            }
            report.problems.append(&mut row.problems);
            if failed {
                report.failed += 1;
                continue;
            }

            // A duplicate in the file itself, or among stored records.
            // A duplicate is reported on the column that matched, with the
            // row's value in it.
            let shown = |field: &str| {
                I::preview(&fields)
                    .remove(field)
                    .unwrap_or_else(|| I::name(&fields).to_string())
            };
            let keys = I::keys(&fields);
            if let Some((key, first)) = keys.iter().find_map(|k| seen.get(k).map(|f| (k, f)))
                && options.duplicates != DuplicateMode::Create
            {
                report.skipped += 1;
                let field = I::key_field(&fields, key);
                report.problems.push(RowProblem {
                    first_row: Some(*first),
                    ..problem(line, field, "duplicate_in_file", &shown(field), true)
                });
                continue;
            }
            let existing = importer.existing(&mut tx, &fields).await?;
            if let (Some((id, field)), DuplicateMode::Skip) = (existing, options.duplicates) {
                report.skipped += 1;
                let value = shown(field);
                let problem = match self.visible_record(&mut tx, caller, I::KIND, id).await {
                    Ok(()) => RowProblem {
                        duplicate_of: Some(id),
                        ..problem(line, field, "duplicate_skipped", &value, true)
                    },
                    // Someone else's record: the row says it exists, not which.
                    Err(_) => problem(line, field, "duplicate_hidden", &value, true),
                };
                report.problems.push(problem);
                continue;
            }
            let except = existing
                .map(|(id, _)| id)
                .filter(|_| options.duplicates == DuplicateMode::Update);
            if except.is_none() && !deferred.is_empty() {
                report.failed += 1;
                for e in &deferred {
                    report.problems.push(RowProblem {
                        label: e.label.clone(),
                        params: params_of(e),
                        ..problem(line, &e.field, e.code, "", false)
                    });
                }
                continue;
            }
            if except.is_some() {
                // What the file has no value for stays as stored: no default
                // overwrites it.
                I::custom_mut(&mut fields).retain(|key, _| given.contains(key));
            }
            let repeats = self
                .unique_problems(
                    &mut tx,
                    (I::KIND, &defs, I::custom(&fields)),
                    except,
                    line,
                    &mut seen_values,
                )
                .await?;
            if !repeats.is_empty() {
                report.failed += 1;
                report.problems.extend(repeats);
                continue;
            }
            let (id, action, changes) = match except {
                Some(id) => match importer
                    .update(self, &mut tx, caller, (id, fields), now)
                    .await?
                {
                    Updated::NotYours => {
                        report.failed += 1;
                        let visible = self.visible_record(&mut tx, caller, I::KIND, id).await;
                        report.problems.push(match visible {
                            Ok(()) => RowProblem {
                                duplicate_of: Some(id),
                                ..problem(line, "name", "duplicate_not_yours", "", false)
                            },
                            Err(_) => problem(line, "name", "duplicate_hidden", "", false),
                        });
                        continue;
                    }
                    Updated::Unchanged(id, name) => {
                        report.skipped += 1;
                        report.problems.push(RowProblem {
                            duplicate_of: Some(id),
                            ..problem(line, "name", "duplicate_unchanged", &name, true)
                        });
                        for key in keys {
                            seen.entry(key).or_insert(line);
                        }
                        continue;
                    }
                    Updated::Done(id, name, changes) => {
                        report.updated += 1;
                        report.problems.push(RowProblem {
                            duplicate_of: Some(id),
                            ..problem(line, "name", updated_code, &name, true)
                        });
                        (id, ChangeAction::Update, changes)
                    }
                },
                None => {
                    let changes = I::created(&fields, owner);
                    let id = importer
                        .insert(&mut tx, caller, (fields, owner), now)
                        .await?;
                    report.created += 1;
                    (id, ChangeAction::Create, changes)
                }
            };
            // Each field as a page's edit logs it, after a mark that says the
            // change came from an import.
            let mut fields = vec![FieldChange {
                field: VIA.into(),
                old: None,
                new: Some("import".into()),
            }];
            fields.extend(changes);
            let change = Change {
                kind: I::KIND,
                record_id: id,
                action,
                fields,
            };
            self.log(&mut tx, caller, change).await?;
            for key in keys {
                seen.entry(key).or_insert(line);
            }
        }

        let write = !options.dry_run && (options.partial || report.failed == 0);
        if write {
            tx.commit().await?;
            report.written = true;
            tracing::info!(
                kind = I::KIND.as_str(),
                created = report.created,
                updated = report.updated,
                failed = report.failed,
                actor.id = caller.user.id,
                "records imported"
            );
        } else {
            // Dropping the transaction rolls every row back.
            drop(tx);
            if options.dry_run {
                report.would_create = report.created;
                report.would_update = report.updated;
            }
            report.created = 0;
            report.updated = 0;
        }
        Ok(report)
    }

    /// The problems of a row's unique custom fields: a value an earlier row
    /// of the file has (naming that row), or one another record holds
    /// (`except` is the record the row updates).
    async fn unique_problems(
        &self,
        tx: &mut Tx,
        (kind, defs, custom): (Kind, &[FieldDef], &Map<String, Value>),
        except: Option<i64>,
        line: usize,
        seen: &mut HashMap<(String, String), usize>,
    ) -> Result<Vec<RowProblem>> {
        let mut problems = Vec::new();
        for def in defs.iter().filter(|d| d.unique) {
            let Some(value) = custom.get(&def.key) else {
                continue;
            };
            let key = (def.key.clone(), crate::unique_fields::unique_key(value));
            let shown = kuijing_domain::fields::display(value);
            let field = format!("custom.{}", def.key);
            if let Some(first) = seen.get(&key) {
                problems.push(RowProblem {
                    label: Some(def.label.clone()),
                    first_row: Some(*first),
                    ..problem(line, &field, "custom_value_repeated", &shown, false)
                });
                continue;
            }
            let one = Map::from_iter([(def.key.clone(), value.clone())]);
            let mut stored = FieldErrors::new();
            crate::unique_fields::check_unique_custom(
                tx,
                kind,
                std::slice::from_ref(def),
                &one,
                except,
                &mut stored,
            )
            .await?;
            if !stored.0.is_empty() {
                problems.push(RowProblem {
                    label: Some(def.label.clone()),
                    ..problem(line, &field, "custom_value_taken", &shown, false)
                });
            }
        }
        if problems.is_empty() {
            for def in defs.iter().filter(|d| d.unique) {
                if let Some(value) = custom.get(&def.key) {
                    let key = (def.key.clone(), crate::unique_fields::unique_key(value));
                    seen.entry(key).or_insert(line);
                }
            }
        }
        Ok(problems)
    }
}

/// The values a field error's message names, as a row problem keeps them.
pub(crate) fn params_of(error: &FieldError) -> Vec<(String, String)> {
    error
        .params
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect()
}

pub(crate) fn problem(
    row: usize,
    field: &str,
    code: &str,
    value: &str,
    warning: bool,
) -> RowProblem {
    RowProblem {
        row,
        field: field.to_string(),
        code: code.to_string(),
        value: value.to_string(),
        warning,
        duplicate_of: None,
        label: None,
        first_row: None,
        params: Vec::new(),
    }
}

/// A row as the preview shows it: the kind's fields, then its custom ones.
fn preview_of<I: Importer>(fields: &I::Fields, defs: &[FieldDef]) -> BTreeMap<String, String> {
    let mut row = I::preview(fields);
    for def in defs {
        if let Some(value) = I::custom(fields).get(&def.key) {
            row.insert(
                format!("custom.{}", def.key),
                kuijing_domain::fields::display(value),
            );
        }
    }
    row
}

/// What a row named by label, name or local time, as it was read.
struct Read {
    choices: [Option<i64>; 3],
    owner: Option<i64>,
    next_contact_at: Option<DateTime<Utc>>,
}

/// Completes a preview row with every mapped column as it will be written:
/// options by label, the owner by name, the next contact in local time, and
/// any other column as the file has it (empty when its cell is).
fn fill_preview(
    shown: &mut BTreeMap<String, String>,
    row: &RowIn<'_>,
    read: &Read,
    (choice, people, zone): (&[options::OptionRow], &People, chrono_tz::Tz),
) {
    for column in row.columns.iter().flatten() {
        if shown.contains_key(*column) {
            continue;
        }
        let text = match *column {
            "level_id" | "industry_id" | "source_id" => {
                let at = CHOICES.iter().position(|c| c == column).unwrap_or(0);
                read.choices[at]
                    .and_then(|id| choice.iter().find(|o| o.id == id))
                    .map(|o| o.label.clone())
            }
            "owner_id" => read.owner.and_then(|id| people.name_of(id)),
            "next_contact_at" => read
                .next_contact_at
                .map(|at| at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()),
            other => row.get(other),
        };
        shown.insert(column.to_string(), text.unwrap_or_default());
    }
    // The file's columns, and the postcode and region a one-line address
    // was split into.
    shown.retain(|key, value| {
        row.columns.contains(&Some(key.as_str()))
            || (matches!(key.as_str(), "postcode" | "province" | "city" | "district")
                && !value.is_empty())
    });
}

/// Header → field: the given mapping first, then field keys, labels in any
/// language and known synonyms, compared normalised.
fn map_headers(
    headers: &[String],
    given: Option<&BTreeMap<String, String>>,
    (aliases, synonyms): (&BTreeMap<String, String>, &[(&str, &str)]),
    importable: &[String],
) -> Result<(BTreeMap<String, String>, Vec<String>)> {
    let mut mapping = BTreeMap::new();
    let mut unmapped = Vec::new();
    let mut errors = FieldErrors::new();
    for header in headers {
        let chosen = match given.and_then(|g| g.get(header)) {
            Some(field) if field.is_empty() => None,
            Some(field) => {
                if !importable.contains(field) {
                    errors.add(format!("mapping.{header}"), "field_unknown");
                }
                Some(field.clone())
            }
            None => {
                let key = text::normalize(header);
                importable
                    .iter()
                    .find(|f| **f == key)
                    .cloned()
                    .or_else(|| {
                        aliases
                            .get(&key)
                            .filter(|f| importable.contains(f))
                            .cloned()
                    })
                    .or_else(|| {
                        synonyms
                            .iter()
                            .find(|(s, _)| text::normalize(s) == key)
                            .map(|(_, f)| f.to_string())
                    })
            }
        };
        match chosen {
            // The first header mapped to a field wins; a second is reported unmapped.
            Some(field) if !mapping.values().any(|f| f == &field) => {
                mapping.insert(header.clone(), field);
            }
            _ => unmapped.push(header.clone()),
        }
    }
    errors.into_result()?;
    Ok((mapping, unmapped))
}

/// Trims, decodes HTML entities (`&#20870;`), and drops padding.
pub(crate) fn clean_text(cell: &str) -> String {
    let decoded = html_escape::decode_html_entities(cell);
    decoded
        .trim_matches(|c: char| c.is_whitespace())
        .to_string()
}

/// An update from a file fills what the file has and keeps the rest.
pub(crate) fn keep(new: Option<String>, old: &Option<String>) -> Option<String> {
    new.or_else(|| old.clone())
}

/// A time of an update: the file's, unless it is the stored one as an
/// export writes it (to the minute), which keeps the stored one so an
/// export imported again changes nothing.
pub(crate) fn keep_time(
    new: Option<DateTime<Utc>>,
    old: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match (new, old) {
        (Some(new), Some(old))
            if new.timestamp().div_euclid(60) == old.timestamp().div_euclid(60) =>
        {
            Some(old)
        }
        (Some(new), _) => Some(new),
        (None, old) => old,
    }
}

/// Custom values of an update: the stored ones, overwritten by the file's.
pub(crate) fn merged_custom(
    old: &Map<String, Value>,
    new: Map<String, Value>,
) -> Map<String, Value> {
    let mut custom = old.clone();
    custom.extend(new);
    custom
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_entities_and_padding_are_cleaned() {
        assert_eq!(
            clean_text("  &#20870;星科技股份有限公司 "),
            "円星科技股份有限公司"
        );
    }

    #[test]
    fn a_header_maps_by_key_alias_or_synonym_and_only_once() {
        let aliases = BTreeMap::from([("名稱".to_string(), "name".to_string())]);
        let importable = vec!["name".to_string(), "phone".to_string()];
        let headers = ["名稱", "電話", "name", "other"].map(String::from);
        let (mapping, unmapped) = map_headers(
            &headers,
            None,
            (&aliases, &[("電話", "phone")]),
            &importable,
        )
        .expect("mapped");
        assert_eq!(mapping.get("名稱").map(String::as_str), Some("name"));
        assert_eq!(mapping.get("電話").map(String::as_str), Some("phone"));
        assert_eq!(unmapped, ["name", "other"]);
        let given = BTreeMap::from([("other".to_string(), "nothing".to_string())]);
        assert!(map_headers(&headers, Some(&given), (&aliases, &[]), &importable).is_err());
    }
}
