//! Customers in and out of spreadsheets: export of exactly the rows the
//! caller may see, and import with column mapping, cleaning, duplicate
//! handling, a dry run and a report per row.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::company::{match_key, phone_key};
use kuijing_domain::customer::Customer;
use kuijing_domain::{
    Action, Change, ChangeAction, FieldError, FieldErrors, Kind, Permission, text,
};
use kuijing_store::customers::{self, CustomerFields, Sort};
use kuijing_store::schema::Customers;
use kuijing_store::{departments, options, users};
use serde::Serialize;
use utoipa::ToSchema;

use crate::customers::{CustomerInput, CustomerListQuery};
use crate::error::{Result, ServiceError};
use crate::spreadsheets::{self, Format, TableWriter};
use crate::{App, Caller};

/// The columns of an export and an import template, in order.
pub const COLUMNS: &[&str] = &[
    "name",
    "level_id",
    "industry_id",
    "source_id",
    "phone",
    "mobile",
    "email",
    "website",
    "province",
    "city",
    "district",
    "address",
    "tax_id",
    "notes",
    "owner_id",
    "last_follow_up_at",
    "next_contact_at",
    "created_at",
];

/// Columns an import may fill (the rest are kept by the CRM itself).
pub const IMPORTABLE: &[&str] = &[
    "name",
    "level_id",
    "industry_id",
    "source_id",
    "phone",
    "mobile",
    "email",
    "website",
    "province",
    "city",
    "district",
    "address",
    "tax_id",
    "notes",
    "owner_id",
];

/// What turns a customer's ids and flags into words in an export.
struct Looks<'a> {
    choice: &'a HashMap<i64, String>,
    names: &'a HashMap<i64, String>,
    text: &'a (dyn Fn(&str) -> String + Sync),
}

/// Headers of registry files and common spreadsheets, read as our fields.
const SYNONYMS: &[(&str, &str)] = &[
    ("公司名稱", "name"),
    ("客戶名稱", "name"),
    ("客户名称", "name"),
    ("企業名稱", "name"),
    ("company", "name"),
    ("總機電話", "phone"),
    ("電話", "phone"),
    ("电话", "phone"),
    ("手機", "mobile"),
    ("手机", "mobile"),
    ("住址", "address"),
    ("省", "province"),
    ("省份", "province"),
    ("縣市", "city"),
    ("城市", "city"),
    ("鄉鎮市區", "district"),
    ("區縣", "district"),
    ("区县", "district"),
    ("地址", "address"),
    ("營利事業統一編號", "tax_id"),
    ("統一編號", "tax_id"),
    ("统一社会信用代码", "tax_id"),
    ("電子郵件信箱", "email"),
    ("電子郵件", "email"),
    ("电子邮箱", "email"),
    ("e-mail", "email"),
    ("網址", "website"),
    ("网址", "website"),
    ("備註", "notes"),
    ("备注", "notes"),
    ("負責人", "owner_id"),
];

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
    /// Header → field; headers left out are matched by name.
    pub mapping: Option<BTreeMap<String, String>>,
    /// Field labels in every language, normalised, for matching headers.
    pub aliases: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub total: usize,
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Whether anything was written (not for a dry run, nor for a failed
    /// all-or-nothing import).
    pub written: bool,
    /// Header → field, as used.
    pub mapping: BTreeMap<String, String>,
    /// Headers read as no field.
    pub unmapped: Vec<String>,
    pub problems: Vec<RowProblem>,
    /// The first rows as they would be written, for the preview.
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
}

impl App {
    /// Writes the customers the caller sees through the list's filters (or
    /// the chosen ids) to a temporary file, a page at a time. `columns`
    /// are the list's columns the caller chose (system fields and
    /// `custom.<key>`); left out, every column an import reads, and every
    /// custom field. `text` turns a message key (`fields.phone`,
    /// `customers.yes`) into the caller's language.
    pub async fn export_customers(
        &self,
        caller: &Caller,
        query: &CustomerListQuery,
        (ids, columns): (Option<Vec<i64>>, Option<Vec<String>>),
        format: Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Customer, Action::Export))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let defs = self.field_defs_in(&mut tx, Kind::Customer).await?;
        let mut store_query = self.customer_store_query(caller, &org, &defs, query)?;
        store_query.ids = ids;
        let today = self.today();
        let choice: HashMap<i64, String> = options::of_kind(&mut tx, "customer")
            .await?
            .into_iter()
            .map(|o| (o.id, o.label))
            .collect();
        let names: HashMap<i64, String> = users::all_names(&mut tx).await?.into_iter().collect();
        let columns: Vec<String> = match columns {
            Some(columns) => columns,
            None => COLUMNS
                .iter()
                .map(|c| c.to_string())
                .chain(defs.iter().map(|d| format!("custom.{}", d.key)))
                .collect(),
        };

        let dir = self.settings.data_dir.join("tmp");
        let io = |e: std::io::Error| ServiceError::Internal(format!("export file: {e}"));
        let mut writer = TableWriter::new(format, &dir).map_err(io)?;
        let header: Vec<String> = columns
            .iter()
            .map(|c| match c.strip_prefix("custom.") {
                Some(key) => defs
                    .iter()
                    .find(|d| d.key == key)
                    .map(|d| d.label.clone())
                    .unwrap_or_else(|| key.to_string()),
                None => text(&format!("fields.{c}")),
            })
            .collect();
        writer.write_row(&header).map_err(io)?;

        let sort = Sort {
            column: Customers::Id,
            descending: false,
        };
        let looks = Looks {
            choice: &choice,
            names: &names,
            text,
        };
        let mut after = None;
        let mut rows = 0u64;
        loop {
            let page = customers::list(
                &mut tx,
                &visibility,
                caller.user.id,
                today,
                &store_query,
                sort,
                after.clone(),
                500,
            )
            .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for customer in &page {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| self.export_cell(customer, c, &looks))
                    .collect();
                writer.write_row(&cells).map_err(io)?;
                rows += 1;
            }
        }
        tracing::info!(rows, actor.id = caller.user.id, "customers exported");
        writer.finish().map_err(io)
    }

    /// One cell of a customer as a spreadsheet shows it.
    fn export_cell(&self, c: &Customer, column: &str, looks: &Looks<'_>) -> String {
        let zone = self.time_zone();
        let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        };
        let label = |id: Option<i64>| {
            id.and_then(|id| looks.choice.get(&id).cloned())
                .unwrap_or_default()
        };
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let yes_no = |b: bool| (looks.text)(if b { "customers.yes" } else { "customers.no" });
        if let Some(key) = column.strip_prefix("custom.") {
            return c
                .custom
                .get(key)
                .map(kuijing_domain::fields::display)
                .unwrap_or_default();
        }
        match column {
            "name" => c.name.clone(),
            "level_id" => label(c.level_id),
            "industry_id" => label(c.industry_id),
            "source_id" => label(c.source_id),
            "phone" => text(&c.phone),
            "mobile" => text(&c.mobile),
            "email" => text(&c.email),
            "website" => text(&c.website),
            "address" => text(&c.address),
            "province" => text(&c.province),
            "city" => text(&c.city),
            "district" => text(&c.district),
            "tax_id" => text(&c.tax_id),
            "notes" => text(&c.notes),
            "owner_id" => c
                .owner_id
                .and_then(|o| looks.names.get(&o).cloned())
                .unwrap_or_default(),
            "dealt" => yes_no(c.dealt),
            "locked" => yes_no(c.locked),
            "last_follow_up_at" => at(c.last_follow_up_at),
            "next_contact_at" => at(c.next_contact_at),
            "created_at" => at(Some(c.created_at)),
            "updated_at" => at(Some(c.updated_at)),
            _ => String::new(),
        }
    }

    /// Reads a file of customers and writes them, unless it is a dry run or
    /// (without `partial`) any row fails.
    pub async fn import_customers(
        &self,
        caller: &Caller,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Customer, Action::Import))?;
        caller.require(Permission::new(Kind::Customer, Action::Create))?;
        let table = spreadsheets::read(bytes, options.format)
            .map_err(|code| ServiceError::Invalid(FieldError::new("file", code).into()))?;
        let defs = {
            let mut tx = self.db.read().await?;
            self.field_defs_in(&mut tx, Kind::Customer).await?
        };
        let mut importable: Vec<String> = IMPORTABLE.iter().map(|f| f.to_string()).collect();
        let mut aliases = options.aliases.clone();
        for def in &defs {
            let target = format!("custom.{}", def.key);
            aliases.insert(text::normalize(&def.label), target.clone());
            aliases.insert(text::normalize(&def.key), target.clone());
            importable.push(target);
        }
        let (mapping, unmapped) = map_headers(
            &table.headers,
            options.mapping.as_ref(),
            &aliases,
            &importable,
        )?;
        let column_of: Vec<Option<&str>> = table
            .headers
            .iter()
            .map(|h| mapping.get(h).map(String::as_str))
            .collect();
        if !column_of.contains(&Some("name")) {
            return Err(
                FieldErrors::from(FieldError::new("mapping", "name_column_required")).into(),
            );
        }

        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let choice = options::of_kind(&mut tx, "customer").await?;
        let owners: Vec<(i64, String)> = users::all_names(&mut tx).await?;
        let today = self.today();
        let now = self.now();
        let mut report = ImportReport {
            total: table.rows.len(),
            created: 0,
            updated: 0,
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
        // Unique custom fields' values taken by earlier rows: field, value → row.
        let mut seen_values: HashMap<(String, String), usize> = HashMap::new();

        for (row, line) in table.rows.iter().zip(table.numbers.iter().copied()) {
            let mut values: BTreeMap<&str, String> = BTreeMap::new();
            for (cell, column) in row.iter().zip(&column_of) {
                if let Some(column) = column {
                    let cleaned = clean_text(spreadsheets::unsafe_cell(cell));
                    if !cleaned.is_empty() {
                        values.insert(column, cleaned);
                    }
                }
            }
            let mut problems = Vec::new();
            let mut input = CustomerInput {
                name: values.get("name").cloned().unwrap_or_default(),
                ..CustomerInput::default()
            };
            let mut notes: Vec<String> = values.get("notes").cloned().into_iter().collect();
            for (field, target) in [
                ("level_id", &mut input.level_id),
                ("industry_id", &mut input.industry_id),
                ("source_id", &mut input.source_id),
            ] {
                if let Some(label) = values.get(field) {
                    let wanted = text::normalize(label);
                    match choice
                        .iter()
                        .find(|o| o.field == field && text::normalize(&o.label) == wanted)
                    {
                        Some(option) => *target = Some(option.id),
                        None => problems.push(problem(line, field, "invalid_choice", label, false)),
                    }
                }
            }
            input.phone = values.get("phone").cloned();
            input.mobile = values.get("mobile").cloned();
            input.address = values.get("address").cloned();
            input.province = values.get("province").cloned();
            input.city = values.get("city").cloned();
            input.district = values.get("district").cloned();
            // A file without region columns has it in its one-line address.
            if !column_of
                .iter()
                .any(|c| matches!(c, Some("province" | "city" | "district")))
            {
                crate::customers::read_region(&mut input);
            }
            input.tax_id = values.get("tax_id").cloned();
            input.website = values.get("website").cloned().filter(|w| !is_nothing(w));
            // Registry files put other things in the web address column now
            // and then; such text is kept in the notes rather than refusing the row.
            if let Some(site) = input.website.take() {
                match kuijing_domain::customer::parse_website(&site) {
                    Ok(url) => input.website = Some(url),
                    Err(_) => {
                        notes.push(format!("{}: {site}", self.note_label("website")));
                        problems.push(problem(line, "website", "moved_to_notes", &site, true));
                    }
                }
            }
            if let Some(raw) = values.get("email") {
                let (email, website, changed) = clean_email(raw);
                input.email = email;
                if input.website.is_none() {
                    input.website = website;
                }
                if changed {
                    notes.push(format!("{}: {raw}", self.note_label("email")));
                    problems.push(problem(line, "email", "email_cleaned", raw, true));
                }
            }
            if let Some(owner) = values.get("owner_id") {
                let wanted = text::normalize(owner);
                match owners
                    .iter()
                    .find(|(_, name)| text::normalize(name) == wanted)
                {
                    Some((id, _)) => input.owner_id = Some(*id),
                    None => problems.push(problem(line, "owner_id", "user_unknown", owner, false)),
                }
            }
            input.notes = (!notes.is_empty()).then(|| notes.join("\n"));
            for (column, value) in &values {
                if let Some(key) = column.strip_prefix("custom.") {
                    input
                        .custom
                        .insert(key.to_string(), serde_json::Value::String(value.clone()));
                }
            }

            let owner = input.owner_id.unwrap_or(caller.user.id);
            let mut errors = FieldErrors::new();
            if owner != caller.user.id {
                self.check_owner(&mut tx, caller, &org, owner, "owner_id", &mut errors)
                    .await?;
            }
            let fields = self.check_customer(&mut tx, input, &mut errors).await?;
            problems.extend(errors.0.iter().map(|e| {
                let value = values
                    .get(e.field.as_str())
                    .map(String::as_str)
                    .unwrap_or("");
                RowProblem {
                    label: e.label.clone(),
                    ..problem(line, &e.field, e.code, value, false)
                }
            }));
            let failed = problems.iter().any(|p| !p.warning);
            if report.preview.len() < 5 && !failed {
                report.preview.push(preview_of(&fields));
            }
            if failed {
                report.failed += 1;
                report.problems.extend(problems);
                continue;
            }
            report.problems.extend(problems);

            // A duplicate in the file itself, or among stored customers.
            let keys = row_keys(&fields);
            if let Some(first) = keys.iter().find_map(|k| seen.get(k))
                && options.duplicates != DuplicateMode::Create
            {
                report.skipped += 1;
                report.problems.push(RowProblem {
                    duplicate_of: None,
                    ..problem(line, "name", "duplicate_in_file", &first.to_string(), true)
                });
                continue;
            }
            let phone = fields.phone.as_deref().map(phone_key);
            let tax_id = fields.tax_id.as_deref().filter(|t| !is_dummy_tax_id(t));
            let existing = customers::duplicates_of(
                &mut tx,
                Some(&match_key(&fields.name)),
                phone.as_deref(),
                fields.email.as_deref(),
                tax_id,
                None,
            )
            .await?;
            let unique = (existing.is_empty() || options.duplicates != DuplicateMode::Skip)
                .then(|| existing.first().map(|(id, _, _)| *id))
                .map(|matched| matched.filter(|_| options.duplicates == DuplicateMode::Update));
            if let Some(except) = unique {
                let repeats = self
                    .unique_problems(
                        &mut tx,
                        (&defs, &fields.custom),
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
            }
            match (existing.first(), options.duplicates) {
                (Some((id, _, _)), DuplicateMode::Skip) => {
                    report.skipped += 1;
                    report.problems.push(RowProblem {
                        duplicate_of: Some(*id),
                        ..problem(line, "name", "duplicate_skipped", &fields.name, true)
                    });
                    continue;
                }
                (Some((id, _, _)), DuplicateMode::Update) => {
                    let Some(current) =
                        customers::get(&mut tx, &visibility, caller.user.id, today, *id, &[])
                            .await?
                    else {
                        report.failed += 1;
                        report.problems.push(RowProblem {
                            duplicate_of: Some(*id),
                            ..problem(line, "name", "duplicate_not_yours", &fields.name, false)
                        });
                        continue;
                    };
                    let merged = merge(&current, fields);
                    customers::update(&mut tx, current.id, current.version, &merged, now).await?;
                    self.log(
                        &mut tx,
                        caller,
                        Change {
                            kind: Kind::Customer,
                            record_id: current.id,
                            action: ChangeAction::Update,
                            fields: vec![import_note()],
                        },
                    )
                    .await?;
                    report.updated += 1;
                    report.problems.push(RowProblem {
                        duplicate_of: Some(current.id),
                        ..problem(line, "name", "duplicate_updated", &current.name, true)
                    });
                }
                _ => {
                    let id =
                        customers::insert(&mut tx, &fields, Some(owner), None, caller.user.id, now)
                            .await?;
                    self.log(
                        &mut tx,
                        caller,
                        Change {
                            kind: Kind::Customer,
                            record_id: id,
                            action: ChangeAction::Create,
                            fields: vec![import_note()],
                        },
                    )
                    .await?;
                    report.created += 1;
                }
            }
            for key in keys {
                seen.entry(key).or_insert(line);
            }
        }

        let write = !options.dry_run && (options.partial || report.failed == 0);
        if write {
            tx.commit().await?;
            report.written = true;
            tracing::info!(
                created = report.created,
                updated = report.updated,
                actor.id = caller.user.id,
                "customers imported"
            );
        } else {
            // Dropping the transaction rolls every row back.
            drop(tx);
            if !options.dry_run {
                report.created = 0;
                report.updated = 0;
            }
        }
        Ok(report)
    }

    /// The problems of a row's unique custom fields: a value an earlier row
    /// of the file has (naming that row), or one another customer holds
    /// (`except` is the customer the row updates).
    async fn unique_problems(
        &self,
        tx: &mut kuijing_store::Tx,
        (defs, custom): (
            &[kuijing_domain::fields::FieldDef],
            &serde_json::Map<String, serde_json::Value>,
        ),
        except: Option<i64>,
        line: usize,
        seen: &mut HashMap<(String, String), usize>,
    ) -> Result<Vec<RowProblem>> {
        let mut problems = Vec::new();
        let mut stored = FieldErrors::new();
        for def in defs.iter().filter(|d| d.unique) {
            let Some(value) = custom.get(&def.key) else {
                continue;
            };
            let key = (def.key.clone(), crate::unique_fields::unique_key(value));
            let shown = kuijing_domain::fields::display(value);
            match seen.get(&key) {
                Some(first) => problems.push(RowProblem {
                    label: Some(def.label.clone()),
                    first_row: Some(*first),
                    ..problem(
                        line,
                        &format!("custom.{}", def.key),
                        "custom_value_repeated",
                        &shown,
                        false,
                    )
                }),
                None => {
                    let one = serde_json::Map::from_iter([(def.key.clone(), value.clone())]);
                    let before = stored.0.len();
                    crate::unique_fields::check_unique_custom(
                        tx,
                        Kind::Customer,
                        std::slice::from_ref(def),
                        &one,
                        except,
                        &mut stored,
                    )
                    .await?;
                    if stored.0.len() > before {
                        problems.push(RowProblem {
                            label: Some(def.label.clone()),
                            ..problem(
                                line,
                                &format!("custom.{}", def.key),
                                "custom_value_taken",
                                &shown,
                                false,
                            )
                        });
                    }
                }
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

    /// The label under which an imported field's original text is kept in
    /// the notes, in the company's language.
    fn note_label(&self, field: &str) -> &'static str {
        match (self.settings.default_locale.as_str(), field) {
            ("en", "email") => "E-mail as imported",
            ("en", _) => "Website as imported",
            ("zh-Hans", "email") => "导入的原始电子邮箱",
            ("zh-Hans", _) => "导入的原始网址",
            (_, "email") => "匯入的原始電子郵件",
            _ => "匯入的原始網址",
        }
    }
}

fn problem(row: usize, field: &str, code: &str, value: &str, warning: bool) -> RowProblem {
    RowProblem {
        row,
        field: field.to_string(),
        code: code.to_string(),
        value: value.to_string(),
        warning,
        duplicate_of: None,
        label: None,
        first_row: None,
    }
}

fn import_note() -> kuijing_domain::FieldChange {
    kuijing_domain::FieldChange {
        field: "import".into(),
        old: None,
        new: None,
    }
}

/// Header → field: the given mapping first, then field keys, labels in any
/// language and known synonyms, compared normalised.
fn map_headers(
    headers: &[String],
    given: Option<&BTreeMap<String, String>>,
    aliases: &BTreeMap<String, String>,
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
                        SYNONYMS
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
fn clean_text(cell: &str) -> String {
    let decoded = html_escape::decode_html_entities(cell);
    decoded
        .trim_matches(|c: char| c.is_whitespace())
        .to_string()
}

/// Words that mean "none" in registry files.
fn is_nothing(text: &str) -> bool {
    matches!(
        text::normalize(text).as_str(),
        "" | "無" | "无" | "-" | "--" | "0" | "n" | "n/a" | "na" | "none" | "null"
    )
}

/// The first address of an e-mail cell, a web address found there, and
/// whether the cell said more than the address kept (then its original
/// text goes to the notes, so nothing is lost).
fn clean_email(raw: &str) -> (Option<String>, Option<String>, bool) {
    if is_nothing(raw) {
        return (None, None, false);
    }
    let folded = text::normalize(raw);
    let joined = folded.replace(" @", "@").replace("@ ", "@");
    let tokens: Vec<&str> = joined
        .split([';', ',', '，', '、', '/', ' '])
        .filter(|t| !t.is_empty())
        .collect();
    let valid: Vec<String> = tokens
        .iter()
        .filter_map(|t| text::parse_email(t).ok())
        .collect();
    let website = tokens
        .iter()
        .find(|t| !t.contains('@') && (t.starts_with("www.") || t.starts_with("http")))
        .and_then(|t| kuijing_domain::customer::parse_website(t).ok());
    match valid.first() {
        Some(first) => {
            let exact = text::parse_email(raw).ok().as_ref() == Some(first);
            (Some(first.clone()), website, !exact)
        }
        None => (None, website, true),
    }
}

/// Registries write `00000000` for companies without a local tax ID.
fn is_dummy_tax_id(tax_id: &str) -> bool {
    tax_id.chars().all(|c| c == '0')
}

fn row_keys(fields: &CustomerFields) -> Vec<String> {
    let real_tax_id = fields
        .tax_id
        .as_deref()
        .filter(|t| !t.is_empty() && !is_dummy_tax_id(t));
    if let Some(tax_id) = real_tax_id {
        return vec![format!("t:{tax_id}")];
    }
    let mut keys = vec![format!("n:{}", match_key(&fields.name))];
    if let Some(phone) = fields
        .phone
        .as_deref()
        .map(phone_key)
        .filter(|p| p.len() >= 6)
    {
        keys.push(format!("p:{phone}"));
    }
    keys
}

/// An update from a file fills what the file has and keeps the rest.
fn merge(current: &Customer, new: CustomerFields) -> CustomerFields {
    let keep = |new: Option<String>, old: &Option<String>| new.or_else(|| old.clone());
    let mut custom = current.custom.clone();
    custom.extend(new.custom);
    CustomerFields {
        name: current.name.clone(),
        level_id: new.level_id.or(current.level_id),
        industry_id: new.industry_id.or(current.industry_id),
        source_id: new.source_id.or(current.source_id),
        phone: keep(new.phone, &current.phone),
        mobile: keep(new.mobile, &current.mobile),
        email: keep(new.email, &current.email),
        website: keep(new.website, &current.website),
        address: keep(new.address, &current.address),
        province: keep(new.province, &current.province),
        city: keep(new.city, &current.city),
        district: keep(new.district, &current.district),
        tax_id: keep(new.tax_id, &current.tax_id),
        notes: keep(new.notes, &current.notes),
        custom,
        next_contact_at: current.next_contact_at,
    }
}

fn preview_of(fields: &CustomerFields) -> BTreeMap<String, String> {
    let mut row = BTreeMap::new();
    row.insert("name".to_string(), fields.name.clone());
    for (key, value) in [
        ("phone", &fields.phone),
        ("email", &fields.email),
        ("province", &fields.province),
        ("city", &fields.city),
        ("district", &fields.district),
        ("address", &fields.address),
        ("tax_id", &fields.tax_id),
        ("website", &fields.website),
    ] {
        if let Some(value) = value {
            row.insert(key.to_string(), value.clone());
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_emails_are_cleaned_and_flagged() {
        // Folding width loses nothing, so it needs no note.
        assert_eq!(
            clean_email("service＠blgroup.com.tw"),
            (Some("service@blgroup.com.tw".into()), None, false)
        );
        assert_eq!(clean_email("a@x.tw;b@x.tw").0.as_deref(), Some("a@x.tw"));
        assert!(clean_email("a@x.tw;b@x.tw").2);
        assert_eq!(
            clean_email("irc82a0b@ acergadget.com").0.as_deref(),
            Some("irc82a0b@acergadget.com")
        );
        assert_eq!(
            clean_email("103 ir27c751@ubot.com.tw").0.as_deref(),
            Some("ir27c751@ubot.com.tw")
        );
        assert_eq!(clean_email("無"), (None, None, false));
        assert_eq!(
            clean_email("ok@x.com.tw"),
            (Some("ok@x.com.tw".into()), None, false)
        );
        let (email, site, changed) = clean_email("www.gmtc.com.tw\u{3000}");
        assert_eq!(
            (email, site.as_deref(), changed),
            (None, Some("https://www.gmtc.com.tw"), true)
        );
        assert_eq!(clean_email("@dubuhouse.com.tw"), (None, None, true));
    }

    #[test]
    fn html_entities_and_padding_are_cleaned() {
        assert_eq!(
            clean_text("  &#20870;星科技股份有限公司 "),
            "円星科技股份有限公司"
        );
    }
}
