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

use chrono::Utc;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::{
    Action, Change, ChangeAction, FieldChange, FieldError, FieldErrors, Kind, Permission, text,
};
use kuijing_store::{departments, options};
use serde_json::Value;

use crate::contract_import::People;
use crate::error::{Result, ServiceError};
use crate::import_report::{DuplicateMode, ImportOptions, ImportReport, RowProblem};
use crate::spreadsheets;
use crate::{App, Caller};

mod importer;
mod mapping;
mod preview;
mod unique;
mod values;

use mapping::{map_headers, mapping_of, named_custom};
use preview::{Read, fill_preview, preview_of};
pub(crate) use values::{
    clean_text, keep, keep_code, keep_phone, keep_postcode, keep_time, merged_custom,
};
use values::{custom_cell, find_choice, not_a_choice};

pub(crate) use importer::{Common, Importer, RowIn, Updated};

/// The field of a change log entry that says how the change was made:
/// `import` for a record created or updated from a file.
pub const VIA: &str = "via";

/// How many rows a check (a dry run) reads in one transaction before it
/// rolls them back and lets the writer go.
const CHECK_CHUNK: usize = 100;

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
        )
        .map_err(|error| named_custom(error, &defs))?;
        let column_of: Vec<Option<&str>> = mapping.iter().map(Option::as_deref).collect();
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
        let choice = caller.shown_options(options::of_kind(&mut tx, "customer").await?);
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
            mapping: mapping_of(&table.headers, &mapping),
            columns: mapping
                .iter()
                .map(|f| f.clone().unwrap_or_default())
                .collect(),
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

        let rows = table.rows.iter().zip(table.numbers.iter().copied());
        for (index, (cells, line)) in rows.enumerate() {
            if options.dry_run && index > 0 && index % CHECK_CHUNK == 0 {
                // A check keeps nothing: each chunk of rows is rolled back
                // and the writer let go, so other users' saves wait for one
                // chunk at most, not the whole file (SQLite has one writer).
                // What later rows need of earlier ones (the keys and unique
                // values taken) is kept in memory.
                tx.rollback().await?;
                tx = self.db.write().await?;
                tx.lock_imports(I::KIND.as_str()).await?;
            }
            let mut row = RowIn {
                line,
                values: BTreeMap::new(),
                problems: Vec::new(),
                columns: &column_of,
                locale: &options.locale,
                shown: BTreeMap::new(),
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
                // As written, in the other Chinese script, or by the code an
                // option leads with (`A`), never a guess between two; a
                // built-in one also by its name in another language.
                let of_field: Vec<_> = choice.iter().filter(|o| o.field == field).collect();
                let labels: Vec<&str> = of_field.iter().map(|o| o.label.as_str()).collect();
                match find_choice(&of_field, &label) {
                    Some(id) => *target = Some(id),
                    None => {
                        row.problem(field, "invalid_choice", &label, false);
                        if let Some(refused) = row.problems.last_mut() {
                            refused.params = vec![not_a_choice(&labels, &options.locale)];
                        }
                    }
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
                // A time with its offset (`2027-03-01T14:30:00+08:00`) is the
                // instant it names; one without, a time in the company's zone.
                let local = match kuijing_domain::dates::parse_offset_date_time(&at) {
                    Some(at) => Ok(Some(at.with_timezone(&zone))),
                    None => kuijing_domain::dates::parse_date_time(&at)
                        .map(|t| t.and_local_timezone(zone).earliest()),
                };
                match local {
                    Ok(Some(local)) => common.next_contact_at = Some(local.with_timezone(&Utc)),
                    Ok(None) => row.problem("next_contact_at", "date_time_invalid", &at, false),
                    Err(code) => row.problem("next_contact_at", code, &at, false),
                }
            }
            for (column, value) in &row.values {
                if let Some(key) = column.strip_prefix("custom.") {
                    let def = defs.iter().find(|d| d.key == key);
                    let value = custom_cell(def, value, self.time_zone());
                    common.custom.insert(key.to_string(), Value::String(value));
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
                let mut refused = RowProblem {
                    label: e.label.clone(),
                    params: params_of(e),
                    ..problem(line, &e.field, e.code, &value, false)
                };
                // A custom choice refused lists the field's choices (`choices`).
                if let Some(def) = e
                    .field
                    .strip_prefix("custom.")
                    .and_then(|key| defs.iter().find(|d| d.key == key && !d.options.is_empty()))
                    && e.code == "invalid_choice"
                {
                    refused.params = vec![not_a_choice(&def.options, &options.locale)];
                }
                row.problems.push(refused);
            }
            let failed = row.problems.iter().any(|p| !p.warning);
            let context = (&choice[..], &people, self.time_zone());
            // Where this row's preview is, to show a stored record the row
            // leaves unchanged as it is stored.
            let mut previewed = None;
            if report.preview.len() < 5 && !failed {
                let mut shown = preview_of::<I>(&fields, &defs);
                fill_preview(&mut shown, &row, &read, context);
                previewed = Some(report.preview.len());
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
                    Updated::Unchanged(id, name, stored) => {
                        // The row says what is stored, maybe spelt another
                        // way: the preview shows the record as it is.
                        if let Some(at) = previewed {
                            let mut shown = preview_of::<I>(&stored, &defs);
                            fill_preview(&mut shown, &row, &read, context);
                            report.preview[at] = shown;
                        }
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
                        .insert(self, &mut tx, caller, (fields, owner), now)
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
            // Rows all skipped or unchanged write no record.
            report.written = report.created + report.updated > 0;
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
        message: None,
    }
}
