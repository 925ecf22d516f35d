//! Leads in and out of spreadsheets: export of exactly the leads the caller
//! may see (the list's filters, or the ticked rows), and import through the
//! engine customers and contacts share, with duplicates found by normalised
//! name, phone or e-mail and skipped, updated or created as the user chose.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kuijing_domain::company::{match_key, phone_key};
use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::Tx;
use kuijing_store::leads::{self, LeadFields};
use kuijing_store::lists::Sort;
use kuijing_store::schema::Leads;

use crate::error::Result;
use crate::import_report::{ImportOptions, ImportReport};
use crate::leads::{LeadInput, LeadView};
use crate::list_filters::RecordQuery;
use crate::record_export::{ExportSheet, Labels, export_columns, yes_no};
use crate::record_import::{
    Common, Importer, RowIn, Updated, keep, keep_code, keep_phone, keep_postcode, keep_time,
    merged_custom,
};
use crate::{App, Caller};

/// The columns of a lead file, in the template's and the export's order.
pub const LEAD_COLUMNS: &[&str] = &[
    "name",
    "contact_name",
    "mobile",
    "phone",
    "email",
    "address",
    "postcode",
    "level_id",
    "industry_id",
    "source_id",
    "notes",
    "owner_id",
    "next_contact_at",
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
        let scope = (&visibility, caller.user.id, self.today());
        let mut store_query = self.lead_store_query(&mut tx, caller, &org, query).await?;
        store_query.ids = ids;
        let defs = self.field_defs_in(&mut tx, Kind::Lead).await?;
        let columns = export_columns(LEAD_COLUMNS, &defs, columns);
        let mut sheet = ExportSheet::new(self, labels, columns, &defs)?;
        let sort = Sort::by(Leads::Id, false);
        let mut after = None;
        loop {
            let page = leads::list(&mut tx, scope, &store_query, sort.clone(), after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for view in self.lead_views((&mut tx, caller), page).await? {
                let cell =
                    |sheet: &ExportSheet, column: &str| lead_cell(sheet, &view, column, labels);
                sheet.row(cell, &view.lead.custom)?;
            }
        }
        sheet.finish(Kind::Lead, caller)
    }

    /// Reads a file of leads and writes them, unless it is a dry run or
    /// (without `partial`) any row fails.
    pub async fn import_leads(
        &self,
        caller: &Caller,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<ImportReport> {
        self.import_records(&LeadImport, caller, bytes, options)
            .await
    }
}

/// Leads through the shared import, matched by normalised name, phone or
/// e-mail.
pub(crate) struct LeadImport;

impl Importer for LeadImport {
    type Input = LeadInput;
    type Fields = LeadFields;
    const KIND: Kind = Kind::Lead;
    const COLUMNS: &'static [&'static str] = LEAD_COLUMNS;
    const REQUIRED: &'static [&'static str] = &["name"];
    const SYNONYMS: &'static [(&'static str, &'static str)] = &[];

    async fn input(
        &self,
        _app: &App,
        _tx: &mut Tx,
        _caller: &Caller,
        row: &mut RowIn<'_>,
        common: Common,
    ) -> Result<LeadInput> {
        let mut input = LeadInput {
            name: row.get("name").unwrap_or_default(),
            contact_name: row.get("contact_name"),
            mobile: row.get("mobile"),
            phone: row.get("phone"),
            email: row.get("email"),
            address: row.get("address"),
            postcode: row.get("postcode"),
            level_id: common.level_id,
            industry_id: common.industry_id,
            source_id: common.source_id,
            notes: row.get("notes"),
            custom: common.custom,
            owner_id: common.owner_id,
            next_contact_at: common.next_contact_at,
            ..LeadInput::default()
        };
        crate::input::read_postcode(&mut input.postcode, &mut input.address);
        Ok(input)
    }

    async fn check(
        &self,
        app: &App,
        tx: &mut Tx,
        input: LeadInput,
        errors: &mut FieldErrors,
    ) -> Result<LeadFields> {
        app.check_lead(tx, input, true, errors).await
    }

    fn name(fields: &LeadFields) -> &str {
        &fields.name
    }

    fn custom(fields: &LeadFields) -> &serde_json::Map<String, serde_json::Value> {
        &fields.custom
    }

    fn custom_mut(fields: &mut LeadFields) -> &mut serde_json::Map<String, serde_json::Value> {
        &mut fields.custom
    }

    fn keys(fields: &LeadFields) -> Vec<String> {
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

    fn describe(old: Option<&LeadFields>, new: &LeadFields) -> Vec<kuijing_domain::FieldChange> {
        let mut diff = kuijing_domain::change::Diff::new();
        crate::leads::describe(&mut diff, old, Some(new));
        diff.into_fields()
    }

    fn created(fields: &LeadFields, _owner: i64) -> Vec<kuijing_domain::FieldChange> {
        crate::leads::created(fields)
    }

    fn preview(fields: &LeadFields) -> BTreeMap<String, String> {
        let mut row = BTreeMap::from([("name".to_string(), fields.name.clone())]);
        for (key, value) in [
            ("contact_name", &fields.contact_name),
            ("mobile", &fields.mobile),
            ("phone", &fields.phone),
            ("email", &fields.email),
            ("address", &fields.address),
            ("postcode", &fields.postcode),
            ("notes", &fields.notes),
        ] {
            // Every field, empty when the row leaves it so, so the preview
            // never shows a cell as the file has it where cleaning dropped it.
            row.insert(key.to_string(), value.clone().unwrap_or_default());
        }
        row
    }

    async fn existing(
        &self,
        tx: &mut Tx,
        fields: &LeadFields,
    ) -> Result<Option<(i64, &'static str)>> {
        let mobile = fields.mobile.as_deref().map(phone_key);
        let phone = fields.phone.as_deref().map(phone_key);
        let name = match_key(&fields.name);
        // The name first, then the phone, then the e-mail: the report names
        // the column that matched.
        let tries = [
            ("name", Some(name.as_str()), None, None),
            // Each number against both stored ones.
            ("mobile", None, mobile.as_deref(), None),
            ("phone", None, phone.as_deref(), None),
            ("email", None, None, fields.email.as_deref()),
        ];
        for (column, name, phone, email) in tries {
            if let Some((id, _)) = leads::duplicates(tx, name, phone, email).await?.first() {
                return Ok(Some((*id, column)));
            }
        }
        Ok(None)
    }

    fn key_field(fields: &LeadFields, key: &str) -> &'static str {
        let mobile = fields
            .mobile
            .as_deref()
            .map(|m| format!("p:{}", phone_key(m)));
        match key.split_once(':').map(|(kind, _)| kind) {
            Some("p") if mobile.as_deref() == Some(key) => "mobile",
            Some("p") => "phone",
            Some("e") => "email",
            _ => "name",
        }
    }

    async fn update(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        (id, fields): (i64, LeadFields),
        now: DateTime<Utc>,
    ) -> Result<Updated<Self::Fields>> {
        let Ok(current) = app.writable_lead(tx, caller, id).await else {
            return Ok(Updated::NotYours);
        };
        let stored = LeadFields::from(&current);
        let merged = merge(&stored, fields);
        if merged == stored {
            return Ok(Updated::Unchanged(id, current.name, Box::new(merged)));
        }
        leads::update(tx, id, current.version, &merged, now).await?;
        let changes = Self::describe(Some(&stored), &merged);
        Ok(Updated::Done(id, current.name, changes))
    }

    async fn insert(
        &self,
        _app: &App,
        tx: &mut Tx,
        caller: &Caller,
        (fields, owner): (LeadFields, i64),
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(leads::insert(tx, &fields, owner, caller.user.id, now).await?)
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
        "postcode" => text(&l.postcode),
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

/// An update from a file fills what the file has and keeps the rest.
fn merge(current: &LeadFields, new: LeadFields) -> LeadFields {
    let custom = merged_custom(&current.custom, new.custom);
    LeadFields {
        name: current.name.clone(),
        contact_name: keep(new.contact_name, &current.contact_name),
        mobile: keep_phone(new.mobile, &current.mobile),
        phone: keep_phone(new.phone, &current.phone),
        email: keep_code(new.email, &current.email),
        address: keep(new.address, &current.address),
        postcode: keep_postcode(new.postcode, &current.postcode),
        level_id: new.level_id.or(current.level_id),
        industry_id: new.industry_id.or(current.industry_id),
        source_id: new.source_id.or(current.source_id),
        notes: keep(new.notes, &current.notes),
        custom,
        next_contact_at: keep_time(new.next_contact_at, current.next_contact_at),
    }
}
