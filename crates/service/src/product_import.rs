//! Import of products from CSV or XLSX: columns found by their header in any
//! of the three languages, each row checked like a typed product, rows
//! matching an existing product by code (or else by name) updating it, and
//! nothing written unless every row is right (or when only checking). A
//! category is named by its path (`硬體 / 伺服器`) or a name only one
//! category has.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::products;

use crate::category_paths::{self, Found};
use crate::error::{Result, ServiceError};
use crate::imports::{self, Columns, ImportReport, Upload};
use crate::products::{DecimalText, ProductInput};
use crate::unique_fields::SeenInFile;
use crate::{App, Caller};

/// The fields a product file may have.
pub const PRODUCT_COLUMNS: &[&str] = &[
    "name",
    "code",
    "category_id",
    "unit",
    "price",
    "currency",
    "on_sale",
    "description",
];

/// Whether a product is on sale, as a cell says it; empty is yes.
fn on_sale(text: &str) -> Result<bool, &'static str> {
    imports::yes_no(text).map(|flag| flag.unwrap_or(true))
}

/// The product with this code: as written, else in any case, width or
/// surrounding spaces.
fn same_code<'a>(
    existing: &'a [(i64, String, Option<String>)],
    code: &str,
) -> Option<&'a (i64, String, Option<String>)> {
    let code = code.trim();
    let key = products::code_key(code);
    existing
        .iter()
        .find(|(_, _, c)| c.as_deref() == Some(code))
        .or_else(|| {
            existing
                .iter()
                .find(|(_, _, c)| c.as_deref().map(products::code_key).as_deref() == Some(&key))
        })
}

impl App {
    /// `aliases` maps a normalised header (in any language) to a field.
    pub async fn import_products(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Product, Action::Import))?;
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        tx.lock_imports(Kind::Product.as_str()).await?;
        let defs = self.field_defs_in(&mut tx, Kind::Product).await?;
        let columns = Columns {
            fields: PRODUCT_COLUMNS,
            required: &["name"],
            aliases,
            custom: &defs,
        };
        let sheet = imports::open(&upload, &columns, &mut report)?;
        let existing = products::keys(&mut tx).await?;
        // A category is named by its path or by a name only it has; one the
        // company does not have is a problem of the row, never made up.
        let categories = products::categories(&mut tx).await?;
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut unique = SeenInFile::default();
        // Each row is checked and written in one transaction; a problem
        // anywhere, or a check, rolls every row back.
        for row in sheet.rows() {
            let number = row.number;
            let cell = |field: &str| row.cell(field);
            let name = cell("name");
            let code = Some(cell("code")).filter(|c| !c.is_empty());
            let key = match &code {
                Some(code) => format!("code:{}", products::code_key(code)),
                None => format!("name:{}", products::name_key(&name)),
            };
            if let Some(first) = seen.insert(key.clone(), number) {
                let field = if code.is_some() { "code" } else { "name" };
                report.duplicate(number, field, first);
                continue;
            }
            // Every problem of the row is named: a bad category or on-sale
            // cell is noted and the rest of the row is still checked.
            let mut bad = false;
            let category_name = cell("category_id");
            let category_id = if category_name.is_empty() {
                None
            } else {
                match category_paths::find(&categories, &category_name) {
                    Found::One(id) => Some(id),
                    Found::Ambiguous(paths) => {
                        report.problem(number, "category_id", "category_ambiguous");
                        if let Some(added) = report.problems.last_mut() {
                            added.params = vec![
                                ("value".into(), category_name.clone()),
                                ("paths".into(), paths.join("; ")),
                            ];
                        }
                        bad = true;
                        None
                    }
                    Found::Unknown => {
                        report.problem(number, "category_id", "category_unknown");
                        if let Some(added) = report.problems.last_mut() {
                            added.params = vec![("value".into(), category_name.clone())];
                        }
                        bad = true;
                        None
                    }
                }
            };
            let matched = match &code {
                Some(code) => same_code(&existing, code),
                None => existing
                    .iter()
                    .find(|(_, name_key, _)| *name_key == products::name_key(&name)),
            };
            // An update keeps what the file has no column for: its custom
            // fields, unit and description.
            let current = match matched {
                Some((id, ..)) => products::get(&mut tx, *id).await?,
                None => None,
            };
            let mut custom = row.custom();
            if let Some(current) = &current {
                for (key, value) in &current.custom {
                    if !row.has(&format!("custom.{key}")) {
                        custom.insert(key.clone(), value.clone());
                    }
                }
            }
            let kept = |field: &str, stored: Option<&Option<String>>| match stored {
                Some(stored) if !row.has(field) => stored.clone(),
                _ => row.optional(field),
            };
            let input = ProductInput {
                name,
                code,
                category_id,
                unit: kept("unit", current.as_ref().map(|c| &c.unit)),
                price: Some(cell("price"))
                    .filter(|p| !p.is_empty())
                    .map(DecimalText::Text),
                currency: Some(cell("currency")).filter(|c| !c.is_empty()),
                on_sale: match on_sale(&cell("on_sale")) {
                    Ok(value) => value,
                    Err(code) => {
                        report.problem(number, "on_sale", code);
                        bad = true;
                        true
                    }
                },
                description: kept("description", current.as_ref().map(|c| &c.description)),
                custom,
                version: None,
            };
            let except = matched.map(|(id, ..)| *id);
            // A unique value an earlier row has is named with that row; the
            // row is still checked whole.
            let repeated = unique.check(&mut report, number, &defs, &input.custom);
            let checked = self.check_product(&mut tx, &input, except).await;
            let Some(fields) = report.absorb_more(number, checked)? else {
                continue;
            };
            if repeated || bad {
                continue;
            }
            match except {
                Some(id) => {
                    let current = products::get(&mut tx, id)
                        .await?
                        .ok_or(ServiceError::NotFound)?;
                    products::update(&mut tx, id, current.version, &fields, self.now()).await?;
                    report.updated += 1;
                }
                None => {
                    products::insert(&mut tx, &fields, caller.user.id, self.now()).await?;
                    report.created += 1;
                }
            }
        }
        report
            .finish(
                tx,
                upload.check_only,
                (Kind::Product.as_str(), caller.user.id),
            )
            .await
    }
}
