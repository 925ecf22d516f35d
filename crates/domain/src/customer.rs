//! Customers: companies (or people) the team sells to.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The detail line of the address (street, number, floor).
    pub address: Option<String>,
    /// Kept as text: postal codes have leading zeros.
    pub postcode: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    /// Kept as text: tax IDs have leading zeros.
    pub tax_id: Option<String>,
    pub notes: Option<String>,
    /// Values of custom fields, by key.
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    /// Empty while the customer is in the public pool.
    pub owner_id: Option<i64>,
    pub pool_id: Option<i64>,
    pub former_owner_id: Option<i64>,
    pub locked: bool,
    pub dealt: bool,
    pub dealt_at: Option<DateTime<Utc>>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub last_follow_up_text: Option<String>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Customer {
    /// Province, city and district as one line, when any is known.
    pub fn region(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.province, &self.city, &self.district]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The system fields of a customer a user can filter, sort and export on,
/// with their types; custom fields come after them.
pub const SYSTEM_FIELDS: &[(&str, crate::fields::FieldType)] = {
    use crate::fields::FieldType::*;
    &[
        ("name", Text),
        ("level_id", Choice),
        ("industry_id", Choice),
        ("source_id", Choice),
        ("phone", Phone),
        ("mobile", Phone),
        ("email", Email),
        ("website", Url),
        ("postcode", Text),
        ("province", Text),
        ("city", Text),
        ("district", Text),
        ("address", Text),
        ("tax_id", Text),
        ("notes", LongText),
        ("owner_id", User),
        ("dealt", Bool),
        ("locked", Bool),
        ("last_follow_up_at", DateTime),
        ("next_contact_at", DateTime),
        ("created_at", DateTime),
        ("updated_at", DateTime),
    ]
};

/// Cleans a website as typed: `www.acc.com.tw` gets a scheme.
pub fn parse_website(text: &str) -> Result<String, &'static str> {
    let def = crate::fields::FieldDef {
        id: 0,
        key: "website".into(),
        label: String::new(),
        field_type: crate::fields::FieldType::Url,
        required: false,
        unique: false,
        default_value: None,
        options: Vec::new(),
        sort_order: 0,
    };
    match crate::fields::parse_value(&def, Some(&serde_json::Value::String(text.into())))
        .map_err(|refusal| refusal.code)?
    {
        Some(serde_json::Value::String(url)) => Ok(url),
        _ => Err("url_invalid"),
    }
}
