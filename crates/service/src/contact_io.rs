//! Contacts in and out of spreadsheets: export of exactly the contacts the
//! caller may see, and import through the engine customers and leads share, each row's
//! customer found by name among the customers the importer may change.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kuijing_domain::company::phone_key;
use kuijing_domain::{Action, FieldErrors, Kind, Permission, text};
use kuijing_store::Tx;
use kuijing_store::contacts::{self, ContactFields};
use kuijing_store::lists::Sort;
use kuijing_store::schema::Contacts;

use crate::contacts::{ContactInput, ContactView};
use crate::error::Result;
use crate::import_report::{ImportOptions, ImportReport};
use crate::imports::yes_no;
use crate::list_filters::RecordQuery;
use crate::record_export::{self, ExportSheet, Labels, export_columns};
use crate::record_import::{
    Common, Importer, RowIn, Updated, keep, keep_code, keep_phone, keep_postcode, keep_time,
    merged_custom,
};
use crate::{App, Caller};

/// The columns of a contact file, in the template's and the export's order.
pub const CONTACT_COLUMNS: &[&str] = &[
    "name",
    "customer_id",
    "mobile",
    "phone",
    "email",
    "post",
    "decision_maker",
    "is_primary",
    "address",
    "postcode",
    "notes",
    "owner_id",
    "next_contact_at",
];

impl App {
    /// Writes the contacts the caller sees through the list's query (or the
    /// chosen ids among them) to a file, a page at a time.
    pub async fn export_contacts(
        &self,
        caller: &Caller,
        query: &RecordQuery,
        (ids, columns): (Option<Vec<i64>>, Option<Vec<String>>),
        labels: &Labels<'_>,
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Contact, Action::Export))?;
        let mut tx = self.db.read().await?;
        let org = kuijing_store::departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let defs = self.field_defs_in(&mut tx, Kind::Contact).await?;
        let list = &crate::contacts::CONTACT_LIST;
        let mut store_query = self.list_narrowing(list, (caller, &org), &defs, query)?;
        store_query.ids = ids;
        let columns = export_columns(CONTACT_COLUMNS, &defs, columns);
        let mut sheet = ExportSheet::new(self, labels, columns, &defs)?;
        let sort = Sort::by(Contacts::Id, false);
        let mut after = None;
        loop {
            let scope = (&visibility, caller.user.id, self.today());
            let page =
                contacts::list(&mut tx, scope, &store_query, sort.clone(), after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for view in self.contact_views(&mut tx, page).await? {
                let cell =
                    |sheet: &ExportSheet, column: &str| contact_cell(sheet, &view, column, labels);
                sheet.row(cell, &view.contact.custom)?;
            }
        }
        sheet.finish(Kind::Contact, caller)
    }

    /// Reads a file of contacts and writes them, unless it is a dry run or
    /// (without `partial`) any row fails.
    pub async fn import_contacts(
        &self,
        caller: &Caller,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<ImportReport> {
        self.import_records(&ContactImport, caller, bytes, options)
            .await
    }
}

/// Contacts through the shared import: each row's customer found by name
/// among the customers the importer may change, a contact matched by name
/// or mobile within its customer.
pub(crate) struct ContactImport;

impl Importer for ContactImport {
    type Input = ContactInput;
    type Fields = ContactFields;
    const KIND: Kind = Kind::Contact;
    const COLUMNS: &'static [&'static str] = CONTACT_COLUMNS;
    const REQUIRED: &'static [&'static str] = &["name", "customer_id"];
    const SYNONYMS: &'static [(&'static str, &'static str)] = &[];

    async fn input(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        row: &mut RowIn<'_>,
        common: Common,
    ) -> Result<ContactInput> {
        let named = row.get("customer_id").unwrap_or_default();
        let customer_id = match app.customer_named(tx, caller, &named, true).await? {
            Ok(id) => {
                // The preview names the customer as it is stored, not as typed.
                if let Some((_, name)) = kuijing_store::customers::names(tx, &[id]).await?.pop() {
                    row.shown.insert("customer_id", name);
                }
                id
            }
            Err(code) => {
                row.problem("customer_id", code, &named, false);
                0
            }
        };
        let mut flags = [false; 2];
        for (flag, field) in flags.iter_mut().zip(["decision_maker", "is_primary"]) {
            let cell = row.get(field).unwrap_or_default();
            match yes_no(&cell) {
                Ok(value) => *flag = value.unwrap_or(false),
                Err(code) => row.problem(field, code, &cell, false),
            }
        }
        let [decision_maker, is_primary] = flags;
        let mut input = ContactInput {
            customer_id,
            name: row.get("name").unwrap_or_default(),
            mobile: row.get("mobile"),
            phone: row.get("phone"),
            email: row.get("email"),
            post: row.get("post"),
            decision_maker,
            is_primary,
            address: row.get("address"),
            postcode: row.get("postcode"),
            notes: row.get("notes"),
            custom: common.custom,
            owner_id: common.owner_id,
            next_contact_at: common.next_contact_at,
            ..ContactInput::default()
        };
        crate::input::read_postcode(&mut input.postcode, &mut input.address);
        Ok(input)
    }

    async fn check(
        &self,
        app: &App,
        tx: &mut Tx,
        input: ContactInput,
        errors: &mut FieldErrors,
    ) -> Result<ContactFields> {
        app.check_contact(tx, input, true, errors).await
    }

    fn name(fields: &ContactFields) -> &str {
        &fields.name
    }

    fn custom(fields: &ContactFields) -> &serde_json::Map<String, serde_json::Value> {
        &fields.custom
    }

    fn custom_mut(fields: &mut ContactFields) -> &mut serde_json::Map<String, serde_json::Value> {
        &mut fields.custom
    }

    fn keys(fields: &ContactFields) -> Vec<String> {
        vec![format!(
            "{}:{}",
            fields.customer_id,
            text::normalize(&fields.name)
        )]
    }

    fn describe(
        old: Option<&ContactFields>,
        new: &ContactFields,
    ) -> Vec<kuijing_domain::FieldChange> {
        let mut diff = kuijing_domain::change::Diff::new();
        crate::contacts::describe(&mut diff, old, Some(new));
        diff.into_fields()
    }

    fn created(fields: &ContactFields, _owner: i64) -> Vec<kuijing_domain::FieldChange> {
        crate::contacts::created(fields)
    }

    fn preview(fields: &ContactFields) -> BTreeMap<String, String> {
        let mut row = BTreeMap::from([("name".to_string(), fields.name.clone())]);
        for (key, value) in [
            ("mobile", &fields.mobile),
            ("phone", &fields.phone),
            ("email", &fields.email),
            ("post", &fields.post),
            ("address", &fields.address),
            ("postcode", &fields.postcode),
            ("notes", &fields.notes),
        ] {
            // Every field, empty when the row leaves it so, so the preview
            // never shows a cell as the file has it where cleaning dropped it.
            row.insert(key.to_string(), value.clone().unwrap_or_default());
        }
        row.insert("decision_maker".into(), fields.decision_maker.to_string());
        row.insert("is_primary".into(), fields.is_primary.to_string());
        row
    }

    async fn existing(
        &self,
        tx: &mut Tx,
        fields: &ContactFields,
    ) -> Result<Option<(i64, &'static str)>> {
        let name = text::normalize(&fields.name);
        for (id, other) in contacts::names_of_customer(tx, fields.customer_id).await? {
            if text::normalize(&other) == name {
                return Ok(Some((id, "name")));
            }
        }
        // The row's mobile, then its phone, against both numbers of each
        // of the customer's contacts: a mobile in the file finds the
        // contact stored with it as the phone, and the other way round.
        let key = |number: &Option<String>| {
            number
                .as_deref()
                .map(phone_key)
                .filter(|key| key.len() >= 6)
        };
        let tries = [
            ("mobile", key(&fields.mobile)),
            ("phone", key(&fields.phone)),
        ];
        if tries.iter().all(|(_, key)| key.is_none()) {
            return Ok(None);
        }
        let stored = contacts::phones_of_customer(tx, fields.customer_id).await?;
        for (column, row_key) in tries {
            let Some(row_key) = row_key else {
                continue;
            };
            let found = stored.iter().find(|(_, phone, mobile)| {
                [phone, mobile]
                    .into_iter()
                    .any(|n| key(n).as_ref() == Some(&row_key))
            });
            if let Some((id, _, _)) = found {
                return Ok(Some((*id, column)));
            }
        }
        Ok(None)
    }

    async fn update(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        (id, fields): (i64, ContactFields),
        now: DateTime<Utc>,
    ) -> Result<Updated<Self::Fields>> {
        let Ok(current) = app.visible_contact(tx, caller, id).await else {
            return Ok(Updated::NotYours);
        };
        let stored = ContactFields::from(&current);
        let merged = merge(&stored, fields);
        if merged == stored {
            return Ok(Updated::Unchanged(id, current.name, Box::new(merged)));
        }
        contacts::update(tx, id, current.version, &merged, now).await?;
        if merged.is_primary {
            app.make_primary(tx, caller, merged.customer_id, id).await?;
        }
        let changes = Self::describe(Some(&stored), &merged);
        Ok(Updated::Done(id, current.name, changes))
    }

    async fn insert(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        (fields, owner): (ContactFields, i64),
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let id = contacts::insert(tx, &fields, owner, caller.user.id, now).await?;
        if fields.is_primary {
            app.make_primary(tx, caller, fields.customer_id, id).await?;
        }
        Ok(id)
    }
}

/// A contact as exported, before its custom fields and creation time.
/// One cell of a contact as a spreadsheet shows it.
fn contact_cell(
    sheet: &ExportSheet,
    view: &ContactView,
    column: &str,
    labels: &Labels<'_>,
) -> String {
    let c = &view.contact;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    match column {
        "name" => c.name.clone(),
        "customer_id" => c.customer_name.clone(),
        "mobile" => text(&c.mobile),
        "phone" => text(&c.phone),
        "email" => text(&c.email),
        "post" => text(&c.post),
        "decision_maker" => record_export::yes_no(labels, c.decision_maker),
        "is_primary" => record_export::yes_no(labels, c.is_primary),
        "address" => text(&c.address),
        "postcode" => text(&c.postcode),
        "notes" => text(&c.notes),
        "owner_id" => text(&view.owner_name),
        "last_follow_up_at" => sheet.at(c.last_follow_up_at),
        "next_contact_at" => sheet.at(c.next_contact_at),
        "created_at" => sheet.at(Some(c.created_at)),
        "updated_at" => sheet.at(Some(c.updated_at)),
        _ => String::new(),
    }
}

/// An update from a file fills what the file has and keeps the rest.
fn merge(current: &ContactFields, new: ContactFields) -> ContactFields {
    let custom = merged_custom(&current.custom, new.custom);
    ContactFields {
        customer_id: current.customer_id,
        name: current.name.clone(),
        mobile: keep_phone(new.mobile, &current.mobile),
        phone: keep_phone(new.phone, &current.phone),
        email: keep_code(new.email, &current.email),
        post: keep(new.post, &current.post),
        decision_maker: new.decision_maker || current.decision_maker,
        is_primary: new.is_primary || current.is_primary,
        address: keep(new.address, &current.address),
        postcode: keep_postcode(new.postcode, &current.postcode),
        notes: keep(new.notes, &current.notes),
        custom,
        next_contact_at: keep_time(new.next_contact_at, current.next_contact_at),
    }
}
