//! Customers in and out of spreadsheets: export of exactly the rows the
//! caller may see, and import with column mapping, cleaning, duplicate
//! handling, a dry run and a report per row.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kuijing_domain::change::Diff;
use kuijing_domain::company::{match_key, phone_key};
use kuijing_domain::customer::Customer;
use kuijing_domain::{FieldChange, FieldErrors, Kind, text};
use kuijing_store::customers::{self, CustomerFields};
use kuijing_store::{Tx, departments};

use crate::customers::CustomerInput;
use crate::error::Result;
use crate::record_import::{
    Common, Importer, RowIn, Updated, keep, keep_code, keep_phone, keep_postcode, keep_time,
    merged_custom,
};
use crate::{App, Caller};

pub use crate::import_report::{DuplicateMode, ImportOptions, ImportReport, RowProblem};

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
    "postcode",
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
    "postcode",
    "province",
    "city",
    "district",
    "address",
    "tax_id",
    "notes",
    "owner_id",
    "next_contact_at",
];

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
    ("郵遞區號", "postcode"),
    ("郵政編碼", "postcode"),
    ("邮政编码", "postcode"),
    ("邮编", "postcode"),
    ("郵編", "postcode"),
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
    ("行業", "industry_id"),
    ("行业", "industry_id"),
    ("產業", "industry_id"),
    ("产业", "industry_id"),
    ("industry", "industry_id"),
    ("來源", "source_id"),
    ("来源", "source_id"),
    ("source", "source_id"),
    ("等級", "level_id"),
    ("等级", "level_id"),
    ("級別", "level_id"),
    ("级别", "level_id"),
    ("level", "level_id"),
];

impl App {
    /// Reads a file of customers and writes them, unless it is a dry run or
    /// (without `partial`) any row fails.
    pub async fn import_customers(
        &self,
        caller: &Caller,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<ImportReport> {
        self.import_records(&CustomerImport, caller, bytes, options)
            .await
    }
}

/// The label under which an imported field's original text is kept in the
/// notes, in the importing user's language.
pub(crate) fn note_label(locale: &str, field: &str) -> &'static str {
    match (locale, field) {
        ("en", "email") => "E-mail as imported",
        ("en", _) => "Website as imported",
        ("zh-Hans", "email") => "导入的原始电子邮箱",
        ("zh-Hans", _) => "导入的原始网址",
        (_, "email") => "匯入的原始電子郵件",
        _ => "匯入的原始網址",
    }
}

/// Customers through the shared import: registry files' headers read,
/// e-mail and web address cells cleaned (what is left out is kept in the
/// notes), duplicates found by tax ID, normalised name, phone or e-mail.
pub(crate) struct CustomerImport;

impl Importer for CustomerImport {
    type Input = CustomerInput;
    type Fields = CustomerFields;
    const KIND: Kind = Kind::Customer;
    const COLUMNS: &'static [&'static str] = IMPORTABLE;
    const REQUIRED: &'static [&'static str] = &["name"];
    const SYNONYMS: &'static [(&'static str, &'static str)] = SYNONYMS;

    async fn input(
        &self,
        _app: &App,
        _tx: &mut Tx,
        _caller: &Caller,
        row: &mut RowIn<'_>,
        common: Common,
    ) -> Result<CustomerInput> {
        let mut notes: Vec<String> = row.get("notes").into_iter().collect();
        let mut input = CustomerInput {
            name: row.get("name").unwrap_or_default(),
            level_id: common.level_id,
            industry_id: common.industry_id,
            source_id: common.source_id,
            owner_id: common.owner_id,
            next_contact_at: common.next_contact_at,
            custom: common.custom,
            phone: row.get("phone"),
            mobile: row.get("mobile"),
            address: row.get("address"),
            postcode: row.get("postcode"),
            province: row.get("province"),
            city: row.get("city"),
            district: row.get("district"),
            tax_id: row.get("tax_id"),
            ..CustomerInput::default()
        };
        // A row without region values has them in its one-line address,
        // whether the file has no region columns or leaves them empty (as
        // the template has them); a row with its own keeps them.
        crate::customers::read_region(&mut input);
        // Registry files put other things in the web address column now
        // and then; such text is kept in the notes rather than refusing the row.
        if let Some(site) = row.get("website").filter(|w| !is_nothing(w)) {
            match kuijing_domain::customer::parse_website(&site) {
                Ok(url) => input.website = Some(url),
                Err(_) => {
                    notes.push(format!("{}: {site}", note_label(row.locale, "website")));
                    row.problem("website", "moved_to_notes", &site, true);
                }
            }
        }
        if let Some(raw) = row.get("email") {
            let (email, website, changed) = clean_email(&raw);
            input.email = email;
            if input.website.is_none() {
                input.website = website;
            }
            if changed {
                notes.push(format!("{}: {raw}", note_label(row.locale, "email")));
                row.problem("email", "email_cleaned", &raw, true);
            }
        }
        input.notes = (!notes.is_empty()).then(|| notes.join("\n"));
        Ok(input)
    }

    async fn check(
        &self,
        app: &App,
        tx: &mut Tx,
        input: CustomerInput,
        errors: &mut FieldErrors,
    ) -> Result<CustomerFields> {
        app.check_customer(tx, input, true, errors).await
    }

    fn name(fields: &CustomerFields) -> &str {
        &fields.name
    }

    fn custom(fields: &CustomerFields) -> &serde_json::Map<String, serde_json::Value> {
        &fields.custom
    }

    fn custom_mut(fields: &mut CustomerFields) -> &mut serde_json::Map<String, serde_json::Value> {
        &mut fields.custom
    }

    fn keys(fields: &CustomerFields) -> Vec<String> {
        row_keys(fields)
    }

    fn preview(fields: &CustomerFields) -> BTreeMap<String, String> {
        preview_of(fields)
    }

    fn describe(old: Option<&CustomerFields>, new: &CustomerFields) -> Vec<FieldChange> {
        let mut diff = Diff::new();
        crate::customers::describe(&mut diff, old, Some(new));
        diff.into_fields()
    }

    fn created(fields: &CustomerFields, owner: i64) -> Vec<FieldChange> {
        crate::customers::created(fields, owner)
    }

    async fn existing(
        &self,
        tx: &mut Tx,
        fields: &CustomerFields,
    ) -> Result<Option<(i64, &'static str)>> {
        let phone = fields.phone.as_deref().map(phone_key);
        let mobile = fields.mobile.as_deref().map(phone_key);
        let tax_id = fields.tax_id.as_deref().filter(|t| !is_dummy_tax_id(t));
        let name = match_key(&fields.name);
        // The surest signs first: a row matches the customer of its own tax
        // ID, then of its name (a different tax ID on either side tells two
        // companies apart in every try), before one that merely shares its
        // e-mail or phone, as companies of one group share a switchboard.
        let tries = [
            ("tax_id", None, None, None),
            ("name", Some(name.as_str()), None, None),
            ("email", None, None, fields.email.as_deref()),
            // Either number against either stored one: a mobile in the
            // file finds the customer stored with it as its phone.
            ("phone", None, phone.as_deref(), None),
            ("mobile", None, mobile.as_deref(), None),
        ];
        for (column, name, phone, email) in tries {
            if column == "tax_id" && tax_id.is_none() {
                continue;
            }
            let found = customers::duplicates_of(tx, name, phone, email, tax_id, None).await?;
            if let Some((id, _, _)) = found.into_iter().min_by_key(|(id, _, _)| *id) {
                return Ok(Some((id, column)));
            }
        }
        Ok(None)
    }

    async fn update(
        &self,
        app: &App,
        tx: &mut Tx,
        caller: &Caller,
        (id, mut fields): (i64, CustomerFields),
        now: DateTime<Utc>,
    ) -> Result<Updated<Self::Fields>> {
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let today = app.today();
        let Some(current) = customers::get(tx, &visibility, caller.user.id, today, id, &[]).await?
        else {
            return Ok(Updated::NotYours);
        };
        keep_one_line_address(&current, &mut fields);
        let merged = merge(&current, fields);
        let stored = CustomerFields {
            name: current.name.clone(),
            ..CustomerFields::default()
        };
        if merged == merge(&current, stored) {
            return Ok(Updated::Unchanged(
                current.id,
                current.name,
                Box::new(merged),
            ));
        }
        customers::update(tx, current.id, current.version, &merged, now).await?;
        let changes = Self::describe(Some(&crate::customers::fields_of(&current)), &merged);
        Ok(Updated::Done(current.id, current.name, changes))
    }

    async fn insert(
        &self,
        _app: &App,
        tx: &mut Tx,
        caller: &Caller,
        (fields, owner): (CustomerFields, i64),
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(customers::insert(tx, &fields, Some(owner), None, caller.user.id, now).await?)
    }
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
    // Not the phone: companies of one group share a switchboard, and each
    // has its row.
    vec![format!("n:{}", match_key(&fields.name))]
}

/// A stored one-line address without a region (as a form saves it) that a
/// row gives again, split by the import into its region, stays as stored:
/// an export imported again changes nothing.
fn keep_one_line_address(current: &Customer, row: &mut CustomerFields) {
    if current.province.is_some() || current.city.is_some() || current.district.is_some() {
        return;
    }
    let Some(address) = current.address.as_deref() else {
        return;
    };
    let region = kuijing_domain::region::split_address(address);
    let same = region.city.is_some()
        && row.province == region.province
        && row.city == region.city
        && row.district == region.district
        && row.address == region.detail
        && (row.postcode == region.postcode || row.postcode == current.postcode);
    if same {
        row.postcode = None;
        row.province = None;
        row.city = None;
        row.district = None;
        row.address = None;
    }
}

/// An update from a file fills what the file has and keeps the rest.
fn merge(current: &Customer, new: CustomerFields) -> CustomerFields {
    let custom = merged_custom(&current.custom, new.custom);
    CustomerFields {
        name: current.name.clone(),
        level_id: new.level_id.or(current.level_id),
        industry_id: new.industry_id.or(current.industry_id),
        source_id: new.source_id.or(current.source_id),
        phone: keep_phone(new.phone, &current.phone),
        mobile: keep_phone(new.mobile, &current.mobile),
        email: keep_code(new.email, &current.email),
        website: keep(new.website, &current.website),
        address: keep(new.address, &current.address),
        postcode: keep_postcode(new.postcode, &current.postcode),
        province: keep(new.province, &current.province),
        city: keep(new.city, &current.city),
        district: keep(new.district, &current.district),
        tax_id: keep_code(new.tax_id, &current.tax_id),
        notes: keep(new.notes, &current.notes),
        custom,
        // A file may set when to contact the customer next; left empty, the
        // time already planned stays.
        next_contact_at: keep_time(new.next_contact_at, current.next_contact_at),
    }
}

fn preview_of(fields: &CustomerFields) -> BTreeMap<String, String> {
    let mut row = BTreeMap::new();
    row.insert("name".to_string(), fields.name.clone());
    for (key, value) in [
        ("phone", &fields.phone),
        ("mobile", &fields.mobile),
        ("email", &fields.email),
        ("postcode", &fields.postcode),
        ("province", &fields.province),
        ("city", &fields.city),
        ("district", &fields.district),
        ("address", &fields.address),
        ("tax_id", &fields.tax_id),
        ("website", &fields.website),
        ("notes", &fields.notes),
    ] {
        // Every field, empty when the row leaves it so, so the preview never
        // shows a cell as the file has it where cleaning dropped it.
        row.insert(key.to_string(), value.clone().unwrap_or_default());
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
}
