//! Import of products from CSV or XLSX: columns found by their header in any
//! of the three languages, each row checked like a typed product, rows
//! matching an existing product by code (or else by name) updating it, and
//! nothing written unless every row is right (or when only checking).

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::{Action, Kind, Permission, text};
use kuijing_store::products;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::products::{CategoryInput, DecimalText, ProductInput};
use crate::spreadsheets::{self, Format};
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

/// A row that could not be read: its number in the file (the header is 1),
/// the field and the message code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportProblem {
    pub row: usize,
    pub field: String,
    pub code: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ProductImportReport {
    pub created: usize,
    pub updated: usize,
    /// Headers that name no field, left out.
    pub ignored_columns: Vec<String>,
    pub problems: Vec<ImportProblem>,
    /// Whether anything was written: not on a check, nor with problems.
    pub written: bool,
}

/// Whether a product is on sale, as a cell says it; empty is yes.
fn on_sale(text: &str) -> Result<bool, &'static str> {
    match text::normalize(text).as_str() {
        "" | "yes" | "y" | "true" | "1" | "是" | "上架" | "on" => Ok(true),
        "no" | "n" | "false" | "0" | "否" | "下架" | "已下架" | "off" => Ok(false),
        _ => Err("invalid_choice"),
    }
}

impl App {
    /// `aliases` maps a normalised header (in any language) to a field.
    pub async fn import_products(
        &self,
        caller: &Caller,
        (bytes, format): (&[u8], Format),
        aliases: &BTreeMap<String, String>,
        check_only: bool,
    ) -> Result<ProductImportReport> {
        caller.require(Permission::new(Kind::Product, Action::Import))?;
        let table = spreadsheets::read(bytes, format).map_err(|code| {
            ServiceError::Invalid(kuijing_domain::FieldError::new("file", code).into())
        })?;
        let mut report = ProductImportReport::default();
        let mut columns: HashMap<&str, usize> = HashMap::new();
        for (index, header) in table.headers.iter().enumerate() {
            let key = text::normalize(header);
            let named = aliases.get(&key).map(String::as_str).unwrap_or(&key);
            match PRODUCT_COLUMNS.iter().copied().find(|c| *c == named) {
                Some(field) => {
                    columns.entry(field).or_insert(index);
                }
                None => report.ignored_columns.push(header.clone()),
            }
        }
        if !columns.contains_key("name") {
            return Err(ServiceError::Invalid(
                kuijing_domain::FieldError::new("file", "name_column_missing").into(),
            ));
        }
        let mut tx = self.db.write().await?;
        let existing = products::keys(&mut tx).await?;
        let mut categories: HashMap<String, i64> = products::categories(&mut tx)
            .await?
            .into_iter()
            .map(|c| (text::normalize(&c.name), c.id))
            .collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        // Each row is checked and written in one transaction; a problem
        // anywhere, or a check, rolls every row back.
        for (index, row) in table.rows.iter().enumerate() {
            let number = index + 2;
            let cell = |field: &str| -> String {
                columns
                    .get(field)
                    .and_then(|i| row.get(*i))
                    .map(|c| spreadsheets::unsafe_cell(c).trim().to_string())
                    .unwrap_or_default()
            };
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let name = cell("name");
            let code = Some(cell("code")).filter(|c| !c.is_empty());
            let key = code.clone().unwrap_or_else(|| products::name_key(&name));
            if let Some(first) = seen.insert(key.clone(), number) {
                report.problems.push(ImportProblem {
                    row: number,
                    field: if code.is_some() { "code" } else { "name" }.into(),
                    code: format!("duplicate_of_row_{first}"),
                });
                continue;
            }
            let category_name = cell("category_id");
            let category_id = if category_name.is_empty() {
                None
            } else {
                let normal = text::normalize(&category_name);
                match categories.get(&normal) {
                    Some(id) => Some(*id),
                    None => {
                        let input = CategoryInput {
                            name: category_name.clone(),
                            parent_id: None,
                        };
                        let order = categories.len() as i64;
                        match text::parse_name(&input.name, 50) {
                            Ok(clean) => {
                                let id = products::insert_category(
                                    &mut tx,
                                    &clean,
                                    None,
                                    order,
                                    self.now(),
                                )
                                .await?;
                                categories.insert(normal, id);
                                Some(id)
                            }
                            Err(code) => {
                                report.problems.push(ImportProblem {
                                    row: number,
                                    field: "category_id".into(),
                                    code: code.into(),
                                });
                                continue;
                            }
                        }
                    }
                }
            };
            let matched = existing
                .iter()
                .find(|(_, name_key, existing_code)| match &code {
                    Some(code) => existing_code.as_deref() == Some(code.as_str()),
                    None => *name_key == products::name_key(&name),
                });
            let input = ProductInput {
                name,
                code,
                category_id,
                unit: Some(cell("unit")).filter(|u| !u.is_empty()),
                price: Some(cell("price"))
                    .filter(|p| !p.is_empty())
                    .map(DecimalText::Text),
                currency: Some(cell("currency")).filter(|c| !c.is_empty()),
                on_sale: match on_sale(&cell("on_sale")) {
                    Ok(value) => value,
                    Err(code) => {
                        report.problems.push(ImportProblem {
                            row: number,
                            field: "on_sale".into(),
                            code: code.into(),
                        });
                        continue;
                    }
                },
                description: Some(cell("description")).filter(|d| !d.is_empty()),
                custom: serde_json::Map::new(),
                version: None,
            };
            let except = matched.map(|(id, ..)| *id);
            match self.check_product(&mut tx, &input, except).await {
                Ok(fields) => match except {
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
                },
                Err(ServiceError::Invalid(errors)) => {
                    for error in errors.0 {
                        report.problems.push(ImportProblem {
                            row: number,
                            field: error.field,
                            code: error.code.into(),
                        });
                    }
                }
                Err(other) => return Err(other),
            }
        }
        if report.problems.is_empty() && !check_only {
            tx.commit().await?;
            report.written = true;
            tracing::info!(
                created = report.created,
                updated = report.updated,
                actor.id = caller.user.id,
                "products imported"
            );
        }
        Ok(report)
    }
}
