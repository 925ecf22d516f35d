//! Contacts in and out of spreadsheets: export of exactly the contacts the
//! caller may see, and import through the shared skeleton, each row's
//! customer found by name among the customers the importer may change.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::company::{match_key, phone_key};
use kuijing_domain::{Action, Change, ChangeAction, FieldChange, Kind, Permission, text};
use kuijing_store::contacts::{self, ContactFields};
use kuijing_store::lists::Sort;
use kuijing_store::schema::Contacts;
use kuijing_store::{Tx, customers};

use crate::contacts::{ContactInput, ContactView};
use crate::contract_import::People;
use crate::customer_io::DuplicateMode;
use crate::error::Result;
use crate::imports::{self, Columns, ImportReport, Row, Upload, yes_no};
use crate::list_filters::RecordQuery;
use crate::record_export::{self, ExportSheet, Labels, export_columns};
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
    "notes",
    "owner_id",
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
        let sort = Sort {
            column: Contacts::Id,
            descending: false,
        };
        let mut after = None;
        loop {
            let page = contacts::list(&mut tx, &visibility, &store_query, sort, after, 500).await?;
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

    /// Reads a file of contacts; nothing is written unless every row is right
    /// and more than a check was asked for.
    pub async fn import_contacts(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Contact, Action::Import))?;
        caller.require(Permission::new(Kind::Contact, Action::Create))?;
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        let defs = self.field_defs_in(&mut tx, Kind::Contact).await?;
        let columns = Columns {
            fields: CONTACT_COLUMNS,
            required: &["name", "customer_id"],
            aliases,
            custom: &defs,
        };
        let sheet = imports::open(&upload, &columns, &mut report)?;
        let people = People::load(&mut tx).await?;
        let org = kuijing_store::departments::org_chart(&mut tx).await?;
        let scope = caller.actor.visibility(Kind::Contact, &org);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for row in sheet.rows() {
            let number = row.number;
            let Some(input) = self
                .contact_row(&mut tx, caller, &row, (&people, &scope), &mut report)
                .await?
            else {
                continue;
            };
            let owner = input.owner_id.unwrap_or(caller.user.id);
            let mut errors = kuijing_domain::FieldErrors::new();
            let fields = self.check_contact(&mut tx, input, &mut errors).await?;
            let checked = errors.into_result().map_err(Into::into);
            if report.absorb(number, checked)?.is_none() {
                continue;
            }
            let key = format!("{}:{}", fields.customer_id, text::normalize(&fields.name));
            if let Some(first) = seen.insert(key, number) {
                report.duplicate(number, "name", first);
                continue;
            }
            self.write_contact_row(
                &mut tx,
                caller,
                (number, fields, owner),
                upload.duplicates,
                &mut report,
            )
            .await?;
        }
        report
            .finish(
                tx,
                upload.check_only,
                (Kind::Contact.as_str(), caller.user.id),
            )
            .await
    }

    /// A row as the form would send it; a cell naming nothing known is a
    /// problem of the row.
    async fn contact_row(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        row: &Row<'_>,
        (people, scope): (&People, &kuijing_domain::Visibility),
        report: &mut ImportReport,
    ) -> Result<Option<ContactInput>> {
        let number = row.number;
        let mut ok = true;
        let customer_id = match self
            .customer_named(tx, caller, &row.cell("customer_id"))
            .await?
        {
            Ok(id) => id,
            Err(code) => {
                report.problem(number, "customer_id", code);
                ok = false;
                0
            }
        };
        let mut flags = [false; 2];
        for (flag, field) in flags.iter_mut().zip(["decision_maker", "is_primary"]) {
            match yes_no(&row.cell(field)) {
                Ok(value) => *flag = value.unwrap_or(false),
                Err(code) => {
                    report.problem(number, field, code);
                    ok = false;
                }
            }
        }
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
        let [decision_maker, is_primary] = flags;
        Ok(ok.then(|| ContactInput {
            customer_id,
            name: row.cell("name"),
            mobile: row.optional("mobile"),
            phone: row.optional("phone"),
            email: row.optional("email"),
            post: row.optional("post"),
            decision_maker,
            is_primary,
            address: row.optional("address"),
            notes: row.optional("notes"),
            custom: row.custom(),
            owner_id,
            ..ContactInput::default()
        }))
    }

    /// The customer a cell names, among those the caller may change:
    /// `not_found` when none, `ambiguous_name` when several.
    async fn customer_named(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        name: &str,
    ) -> Result<Result<i64, &'static str>> {
        let visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
        let today = self.today();
        let mut found = Vec::new();
        for id in customers::ids_by_name_key(tx, &match_key(name)).await? {
            if customers::writable(tx, &visibility, caller.user.id, today, id).await? {
                found.push(id);
            }
        }
        Ok(match found.as_slice() {
            [one] => Ok(*one),
            [] => Err("not_found"),
            _ => Err("ambiguous_name"),
        })
    }

    /// Writes one checked row: a new contact, or what the user chose for a
    /// row naming a contact the customer already has (same name or mobile).
    async fn write_contact_row(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (number, fields, owner): (usize, ContactFields, i64),
        duplicates: DuplicateMode,
        report: &mut ImportReport,
    ) -> Result<()> {
        let name = text::normalize(&fields.name);
        let mobile = fields.mobile.as_deref().map(phone_key);
        let mut existing = None;
        for (id, other) in contacts::names_of_customer(tx, fields.customer_id).await? {
            if text::normalize(&other) == name {
                existing = Some(id);
                break;
            }
        }
        if existing.is_none()
            && let Some(mobile) = mobile.filter(|m| m.len() >= 6)
        {
            existing = contacts::id_by_mobile(tx, fields.customer_id, &mobile).await?;
        }
        let now = self.now();
        let (id, action) = match (existing, duplicates) {
            (Some(_), DuplicateMode::Skip) => {
                report.skipped += 1;
                return Ok(());
            }
            (Some(id), DuplicateMode::Update) => {
                let Ok(current) = self.visible_contact(tx, caller, id).await else {
                    report.problem(number, "name", "duplicate_not_yours");
                    return Ok(());
                };
                let merged = merge(&ContactFields::from(&current), fields);
                contacts::update(tx, id, current.version, &merged, now).await?;
                if merged.is_primary {
                    contacts::make_primary(tx, merged.customer_id, id).await?;
                }
                report.updated += 1;
                (id, ChangeAction::Update)
            }
            _ => {
                let id = contacts::insert(tx, &fields, owner, caller.user.id, now).await?;
                if fields.is_primary {
                    contacts::make_primary(tx, fields.customer_id, id).await?;
                }
                report.created += 1;
                (id, ChangeAction::Create)
            }
        };
        let change = Change {
            kind: Kind::Contact,
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
    let keep = |new: Option<String>, old: &Option<String>| new.or_else(|| old.clone());
    let mut custom = current.custom.clone();
    custom.extend(new.custom);
    ContactFields {
        customer_id: current.customer_id,
        name: current.name.clone(),
        mobile: keep(new.mobile, &current.mobile),
        phone: keep(new.phone, &current.phone),
        email: keep(new.email, &current.email),
        post: keep(new.post, &current.post),
        decision_maker: new.decision_maker || current.decision_maker,
        is_primary: new.is_primary || current.is_primary,
        address: keep(new.address, &current.address),
        notes: keep(new.notes, &current.notes),
        custom,
        next_contact_at: current.next_contact_at,
    }
}
