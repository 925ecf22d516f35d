//! Leads in and out of spreadsheets: export of exactly the leads the caller
//! may see (the list's filters, or the ticked rows), and import through the
//! shared skeleton, with duplicates found by normalised name, phone or
//! e-mail and skipped, updated or created as the user chose.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::company::{match_key, phone_key};
use kuijing_domain::{Action, Change, ChangeAction, FieldChange, Kind, Permission, text};
use kuijing_store::leads::{self, LeadFields};
use kuijing_store::lists::Sort;
use kuijing_store::schema::Leads;
use kuijing_store::{Tx, options};

use crate::contract_import::People;
use crate::customer_io::DuplicateMode;
use crate::error::Result;
use crate::imports::{self, Columns, ImportReport, Row, Upload};
use crate::leads::{LeadInput, LeadView};
use crate::list_filters::RecordQuery;
use crate::record_export::{ExportSheet, Labels, export_columns, yes_no};
use crate::{App, Caller};

/// The columns of a lead file, in the template's and the export's order.
pub const LEAD_COLUMNS: &[&str] = &[
    "name",
    "contact_name",
    "mobile",
    "phone",
    "email",
    "address",
    "level_id",
    "industry_id",
    "source_id",
    "notes",
    "owner_id",
];

impl App {
    /// Writes the leads the caller sees through the list's query (or the
    /// chosen ids among them) to a file, a page at a time.
    pub async fn export_leads(
        &self,
        caller: &Caller,
        query: &RecordQuery,
        (ids, columns): (Option<Vec<i64>>, Option<Vec<String>>),
        labels: &Labels<'_>,
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Lead, Action::Export))?;
        let mut tx = self.db.read().await?;
        let org = kuijing_store::departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Lead, &org);
        let mut store_query = self.lead_store_query(&mut tx, caller, &org, query).await?;
        store_query.ids = ids;
        let defs = self.field_defs_in(&mut tx, Kind::Lead).await?;
        let columns = export_columns(LEAD_COLUMNS, &defs, columns);
        let mut sheet = ExportSheet::new(self, labels, columns, &defs)?;
        let sort = Sort {
            column: Leads::Id,
            descending: false,
        };
        let mut after = None;
        loop {
            let page = leads::list(&mut tx, &visibility, &store_query, sort, after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for view in self.lead_views(&mut tx, page).await? {
                let cell =
                    |sheet: &ExportSheet, column: &str| lead_cell(sheet, &view, column, labels);
                sheet.row(cell, &view.lead.custom)?;
            }
        }
        sheet.finish(Kind::Lead, caller)
    }

    /// Reads a file of leads; nothing is written unless every row is right
    /// and more than a check was asked for.
    pub async fn import_leads(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Lead, Action::Import))?;
        caller.require(Permission::new(Kind::Lead, Action::Create))?;
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        let defs = self.field_defs_in(&mut tx, Kind::Lead).await?;
        let columns = Columns {
            fields: LEAD_COLUMNS,
            required: &["name"],
            aliases,
            custom: &defs,
        };
        let sheet = imports::open(&upload, &columns, &mut report)?;
        let people = People::load(&mut tx).await?;
        let org = kuijing_store::departments::org_chart(&mut tx).await?;
        let scope = caller.actor.visibility(Kind::Lead, &org);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for row in sheet.rows() {
            let number = row.number;
            let Some(input) = self
                .lead_row(&mut tx, &row, &people, &scope, &mut report)
                .await?
            else {
                continue;
            };
            let owner = input.owner_id.unwrap_or(caller.user.id);
            let mut errors = kuijing_domain::FieldErrors::new();
            let fields = self.check_lead(&mut tx, input, &mut errors).await?;
            let checked = errors.into_result().map_err(Into::into);
            if report.absorb(number, checked)?.is_none() {
                continue;
            }
            let keys = row_keys(&fields);
            if let Some(first) = keys.iter().find_map(|k| seen.get(k)) {
                report.duplicate(number, "name", *first);
                continue;
            }
            for key in keys {
                seen.insert(key, number);
            }
            self.write_lead_row(
                &mut tx,
                caller,
                (number, fields, owner),
                upload.duplicates,
                &mut report,
            )
            .await?;
        }
        report
            .finish(tx, upload.check_only, (Kind::Lead.as_str(), caller.user.id))
            .await
    }

    /// A row as the form would send it; a cell naming nothing known is a
    /// problem of the row.
    async fn lead_row(
        &self,
        tx: &mut Tx,
        row: &Row<'_>,
        people: &People,
        scope: &kuijing_domain::Visibility,
        report: &mut ImportReport,
    ) -> Result<Option<LeadInput>> {
        let number = row.number;
        let choices = options::of_kind(tx, "customer").await?;
        let mut ok = true;
        let mut picked = [None; 3];
        for (slot, field) in picked
            .iter_mut()
            .zip(["level_id", "industry_id", "source_id"])
        {
            let Some(label) = row.optional(field) else {
                continue;
            };
            let wanted = text::normalize(&label);
            *slot = choices
                .iter()
                .find(|o| o.field == field && text::normalize(&o.label) == wanted)
                .map(|o| o.id);
            if slot.is_none() {
                report.problem(number, field, "invalid_choice");
                ok = false;
            }
        }
        let [level_id, industry_id, source_id] = picked;
        let owner_id = match row.optional("owner_id") {
            None => None,
            Some(text) => match people.find(&text) {
                Ok((id, department)) if scope.sees(id, department) => Some(id),
                Ok(_) => {
                    report.problem(number, "owner_id", "owner_out_of_scope");
                    ok = false;
                    None
                }
                Err(code) => {
                    report.problem(number, "owner_id", code);
                    ok = false;
                    None
                }
            },
        };
        Ok(ok.then(|| LeadInput {
            name: row.cell("name"),
            contact_name: row.optional("contact_name"),
            mobile: row.optional("mobile"),
            phone: row.optional("phone"),
            email: row.optional("email"),
            address: row.optional("address"),
            level_id,
            industry_id,
            source_id,
            notes: row.optional("notes"),
            custom: row.custom(),
            owner_id,
            ..LeadInput::default()
        }))
    }

    /// Writes one checked row: a new lead, or what the user chose for a row
    /// that matches a stored lead.
    async fn write_lead_row(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (number, fields, owner): (usize, LeadFields, i64),
        duplicates: DuplicateMode,
        report: &mut ImportReport,
    ) -> Result<()> {
        let phone = fields
            .mobile
            .as_deref()
            .or(fields.phone.as_deref())
            .map(phone_key);
        let found = leads::duplicates(
            tx,
            Some(&match_key(&fields.name)),
            phone.as_deref(),
            fields.email.as_deref(),
        )
        .await?;
        let now = self.now();
        let (id, action) = match (found.first(), duplicates) {
            (Some(_), DuplicateMode::Skip) => {
                report.skipped += 1;
                return Ok(());
            }
            (Some((id, _)), DuplicateMode::Update) => {
                let Ok(current) = self.visible_lead(tx, caller, *id).await else {
                    report.problem(number, "name", "duplicate_not_yours");
                    return Ok(());
                };
                let merged = merge(&LeadFields::from(&current), fields);
                leads::update(tx, *id, current.version, &merged, now).await?;
                report.updated += 1;
                (*id, ChangeAction::Update)
            }
            _ => {
                let id = leads::insert(tx, &fields, owner, caller.user.id, now).await?;
                report.created += 1;
                (id, ChangeAction::Create)
            }
        };
        let change = Change {
            kind: Kind::Lead,
            record_id: id,
            action,
            fields: vec![FieldChange {
                field: "import".into(),
                old: None,
                new: None,
            }],
        };
        self.log(tx, caller, change).await
    }
}

/// A lead as exported, before its custom fields and creation time.
/// One cell of a lead as a spreadsheet shows it.
fn lead_cell(sheet: &ExportSheet, view: &LeadView, column: &str, labels: &Labels<'_>) -> String {
    let l = &view.lead;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    match column {
        "name" => l.name.clone(),
        "contact_name" => text(&l.contact_name),
        "mobile" => text(&l.mobile),
        "phone" => text(&l.phone),
        "email" => text(&l.email),
        "address" => text(&l.address),
        "level_id" => text(&view.level),
        "industry_id" => text(&view.industry),
        "source_id" => text(&view.source),
        "notes" => text(&l.notes),
        "owner_id" => text(&view.owner_name),
        "converted" => yes_no(labels, l.converted),
        "last_follow_up_at" => sheet.at(l.last_follow_up_at),
        "next_contact_at" => sheet.at(l.next_contact_at),
        "created_at" => sheet.at(Some(l.created_at)),
        "updated_at" => sheet.at(Some(l.updated_at)),
        _ => String::new(),
    }
}

/// The keys a lead is matched by within one file.
fn row_keys(fields: &LeadFields) -> Vec<String> {
    let mut keys = vec![format!("n:{}", match_key(&fields.name))];
    for phone in [&fields.mobile, &fields.phone].into_iter().flatten() {
        let key = phone_key(phone);
        if key.len() >= 6 {
            keys.push(format!("p:{key}"));
        }
    }
    if let Some(email) = &fields.email {
        keys.push(format!("e:{email}"));
    }
    keys
}

/// An update from a file fills what the file has and keeps the rest.
fn merge(current: &LeadFields, new: LeadFields) -> LeadFields {
    let keep = |new: Option<String>, old: &Option<String>| new.or_else(|| old.clone());
    let mut custom = current.custom.clone();
    custom.extend(new.custom);
    LeadFields {
        name: current.name.clone(),
        contact_name: keep(new.contact_name, &current.contact_name),
        mobile: keep(new.mobile, &current.mobile),
        phone: keep(new.phone, &current.phone),
        email: keep(new.email, &current.email),
        address: keep(new.address, &current.address),
        level_id: new.level_id.or(current.level_id),
        industry_id: new.industry_id.or(current.industry_id),
        source_id: new.source_id.or(current.source_id),
        notes: keep(new.notes, &current.notes),
        custom,
        next_contact_at: current.next_contact_at,
    }
}
