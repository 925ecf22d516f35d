//! The demo company's people (regional offices as departments, managers and
//! agents as users), its products and its customers.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use kuijing_domain::defaults::{SALES_MANAGER, SALES_REP, SUPER_ADMIN};
use kuijing_domain::fields::{FieldDef, FieldType};
use kuijing_domain::{Kind, money, text};
use kuijing_store::customers::CustomerFields;
use kuijing_store::departments::DepartmentFields;
use kuijing_store::products::ProductFields;
use kuijing_store::users::UserFields;
use kuijing_store::{Tx, customers, departments, field_defs, options, products, roles, users};

use super::{AccountRow, DEMO_CURRENCY, DemoReport, DemoUser, ProductRow, TeamRow, blank, phone};
use crate::App;
use crate::error::{Result, ServiceError};

impl App {
    pub(super) async fn demo_people(
        &self,
        tx: &mut Tx,
        teams: &[TeamRow],
        hash: &str,
        now: DateTime<Utc>,
        report: &mut DemoReport,
    ) -> Result<People> {
        let top = departments::top_id(tx)
            .await?
            .ok_or(ServiceError::Internal("no top department".into()))?;
        let manager_role = roles::by_code(tx, SALES_MANAGER)
            .await?
            .ok_or(ServiceError::Internal("no sales manager role".into()))?;
        let rep_role = roles::by_code(tx, SALES_REP)
            .await?
            .ok_or(ServiceError::Internal("no sales rep role".into()))?;
        let admin_role = roles::by_code(tx, SUPER_ADMIN)
            .await?
            .ok_or(ServiceError::Internal("no super administrator role".into()))?;
        let mut index = 0;
        let mut next_phone = || {
            let phone = phone(index);
            index += 1;
            phone
        };
        let mut add_user = async |tx: &mut Tx,
                                  (name, department, superior): (&str, i64, Option<i64>),
                                  (role, role_id): (&'static str, i64),
                                  department_name: &str,
                                  phone: String|
               -> Result<i64> {
            let fields = UserFields {
                search_text: crate::users::search_text(name, &phone, None),
                phone: phone.clone(),
                name: name.to_string(),
                gender: None,
                email: None,
                department_id: department,
                post: None,
                superior_id: superior,
            };
            let id = users::insert(tx, &fields, hash, now).await?;
            users::set_roles(tx, id, &[role_id]).await?;
            report.users.push(DemoUser {
                name: name.to_string(),
                phone,
                role,
                department: department_name.to_string(),
            });
            Ok(id)
        };
        let admin = match users::total(tx).await? {
            0 => {
                let phone = next_phone();
                add_user(
                    tx,
                    ("Demo Admin", top, None),
                    (SUPER_ADMIN, admin_role.id),
                    "",
                    phone,
                )
                .await?
            }
            _ => {
                let _ = next_phone();
                users::first_id(tx).await?.unwrap_or_default()
            }
        };
        let offices: BTreeSet<&str> = teams.iter().map(|t| t.regional_office.as_str()).collect();
        let mut ids = HashMap::new();
        for (order, office) in offices.iter().enumerate() {
            let fields = DepartmentFields {
                name: (*office).to_string(),
                parent_id: Some(top),
                head_id: None,
                sort_order: order as i64 + 1,
            };
            let department = departments::insert(tx, &fields, now).await?;
            report.departments += 1;
            let managers: BTreeSet<&str> = teams
                .iter()
                .filter(|t| t.regional_office == *office)
                .map(|t| t.manager.as_str())
                .collect();
            let mut head = None;
            for manager in managers {
                let phone = next_phone();
                let id = add_user(
                    tx,
                    (manager, department, None),
                    (SALES_MANAGER, manager_role.id),
                    office,
                    phone,
                )
                .await?;
                head.get_or_insert(id);
                ids.insert(manager.to_string(), id);
            }
            for team in teams.iter().filter(|t| t.regional_office == *office) {
                let superior = ids.get(&team.manager).copied();
                let phone = next_phone();
                let id = add_user(
                    tx,
                    (&team.sales_agent, department, superior),
                    (SALES_REP, rep_role.id),
                    office,
                    phone,
                )
                .await?;
                ids.insert(team.sales_agent.clone(), id);
            }
            let fields = DepartmentFields {
                head_id: head,
                ..fields
            };
            departments::update(tx, department, 1, &fields, now).await?;
        }
        Ok(People { admin, ids })
    }

    pub(super) async fn demo_customers(
        &self,
        tx: &mut Tx,
        accounts: &[AccountRow],
        owner_of: &dyn Fn(&str) -> Option<i64>,
        admin: i64,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, (i64, String)>> {
        let definitions = [
            ("year_established", "Year established", FieldType::Number),
            (
                "revenue",
                "Annual revenue (USD millions)",
                FieldType::Number,
            ),
            ("employees", "Employees", FieldType::Number),
            ("country", "Country", FieldType::Text),
            ("subsidiary_of", "Subsidiary of", FieldType::Text),
        ];
        let existing = field_defs::of_kind(tx, Kind::Customer.as_str()).await?;
        for (order, (key, label, field_type)) in definitions.iter().enumerate() {
            if existing.iter().any(|d| d.key == *key) {
                continue;
            }
            let def = FieldDef {
                id: 0,
                key: (*key).to_string(),
                label: (*label).to_string(),
                field_type: *field_type,
                required: false,
                unique: false,
                default_value: None,
                options: Vec::new(),
                sort_order: 100 + order as i64,
            };
            field_defs::insert(tx, Kind::Customer.as_str(), &def).await?;
        }
        // Sectors are kept as written, misspellings included.
        let mut industries: HashMap<String, i64> = options::of_field(tx, "customer", "industry_id")
            .await?
            .into_iter()
            .map(|o| (o.label, o.id))
            .collect();
        // An account nobody sold to waits in the default pool.
        let default_pool = kuijing_store::pools::list(tx).await?.first().map(|p| p.id);
        let mut out = HashMap::new();
        for account in accounts {
            let sector = account.sector.trim();
            let industry = match industries.get(sector) {
                Some(id) => Some(*id),
                None if !sector.is_empty() => {
                    let order = industries.len() as i64;
                    let id = options::insert(tx, "customer", "industry_id", sector, order).await?;
                    industries.insert(sector.to_string(), id);
                    Some(id)
                }
                None => None,
            };
            let mut custom = serde_json::Map::new();
            let mut put = |key: &str, value: serde_json::Value| {
                custom.insert(key.to_string(), value);
            };
            if let Some(year) = account.year_established {
                put("year_established", year.to_string().into());
            }
            if let Some(revenue) = blank(account.revenue.as_deref()) {
                put("revenue", revenue.to_string().into());
            }
            if let Some(employees) = account.employees {
                put("employees", employees.to_string().into());
            }
            if let Some(country) = blank(account.office_location.as_deref()) {
                put("country", country.to_string().into());
            }
            if let Some(parent) = blank(account.subsidiary_of.as_deref()) {
                put("subsidiary_of", parent.to_string().into());
            }
            let name = text::parse_name(&account.account, 100)
                .map_err(|r| ServiceError::Internal(format!("demo account name {}", r.code)))?;
            let fields = CustomerFields {
                name: name.clone(),
                industry_id: industry,
                custom,
                ..CustomerFields::default()
            };
            let owner = owner_of(account.account.trim());
            let pool = owner.is_none().then_some(default_pool).flatten();
            let id = customers::insert(tx, &fields, owner, pool, admin, now).await?;
            out.insert(account.account.trim().to_string(), (id, name));
        }
        Ok(out)
    }
}

pub(super) struct People {
    pub admin: i64,
    pub ids: HashMap<String, i64>,
}

/// Products by name key, with their list price.
pub(super) async fn demo_products(
    tx: &mut Tx,
    rows: &[ProductRow],
    admin: i64,
    now: DateTime<Utc>,
) -> Result<HashMap<String, (i64, i64)>> {
    let mut categories: HashMap<String, i64> = HashMap::new();
    let mut out = HashMap::new();
    for row in rows {
        let series = row.series.trim().to_string();
        let category = match categories.get(&series) {
            Some(id) => *id,
            None => {
                let order = categories.len() as i64;
                let id = products::insert_category(tx, &series, None, order, now).await?;
                categories.insert(series, id);
                id
            }
        };
        let price = money::parse_amount(&row.sales_price)
            .map_err(|code| ServiceError::Internal(format!("demo product price {code}")))?;
        let fields = ProductFields {
            category_id: Some(category),
            code: None,
            name: row.product.trim().to_string(),
            unit: None,
            price,
            currency: DEMO_CURRENCY.into(),
            on_sale: true,
            description: None,
            custom: serde_json::Map::new(),
        };
        let id = products::insert(tx, &fields, admin, now).await?;
        out.insert(products::name_key(&row.product), (id, price));
    }
    Ok(out)
}
