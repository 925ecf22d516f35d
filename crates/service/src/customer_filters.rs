//! Reading a customer list's query: views, filters on system and custom
//! fields, periods in the company's zone, sorting and keyset cursors.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::customer::Customer;
use kuijing_domain::dates::Period;
use kuijing_domain::fields::{self, FieldDef};
use kuijing_domain::{FieldErrors, text};
use kuijing_store::customers::{CustomerQuery, Filter, Sort};
use kuijing_store::schema::Customers;

use crate::conditions::{self, Test, ValueKind};
use crate::customers::{CustomerListQuery, FilterInput};
use crate::error::{Result, ServiceError};
use crate::{App, Caller};

const SORTABLE: &[(&str, Customers)] = &[
    ("id", Customers::Id),
    ("name", Customers::Name),
    ("created_at", Customers::CreatedAt),
    ("updated_at", Customers::UpdatedAt),
];

impl App {
    /// Turns the filter inputs into store filters, refusing unknown fields
    /// and operators by name.
    pub(crate) fn customer_store_query(
        &self,
        caller: &Caller,
        org: &kuijing_domain::OrgChart,
        defs: &[FieldDef],
        query: &CustomerListQuery,
    ) -> Result<CustomerQuery> {
        let mut errors = FieldErrors::new();
        let mut filters = Vec::new();
        match query.view.as_deref() {
            None | Some("") | Some("all") => {}
            Some("mine") => filters.push(Filter::OneOf(Customers::OwnerId, vec![caller.user.id])),
            Some("team") => filters.push(Filter::OneOf(
                Customers::OwnerId,
                org.user_and_subordinates(caller.user.id)
                    .into_iter()
                    .collect(),
            )),
            Some("created_this_week") => {
                let (from, to) = Period::ThisWeek.range(self.today());
                filters.push(Filter::Between(
                    Customers::CreatedAt,
                    Some(self.start_of(from).into()),
                    Some(self.start_of(to).into()),
                ));
            }
            Some(_) => errors.add("view", "invalid_choice"),
        }
        for (index, input) in query.filters.iter().enumerate() {
            match self.filter_of(defs, input) {
                Ok(filter) => filters.push(filter),
                Err(code) => errors.add(format!("filters.{index}"), code),
            }
        }
        errors.into_result()?;
        let search = query
            .search
            .as_deref()
            .map(text::normalize)
            .filter(|s| !s.is_empty());
        // A phone typed with separators is found by its digits.
        let search = search.map(|s| {
            let digits = kuijing_domain::company::phone_key(&s);
            if digits.len() >= 6 && digits.len() + 4 >= s.len() {
                digits
            } else {
                s
            }
        });
        Ok(CustomerQuery {
            search,
            filters,
            pool: None,
            ids: None,
        })
    }

    fn filter_of(&self, defs: &[FieldDef], input: &FilterInput) -> Result<Filter, &'static str> {
        let text_value = || {
            input
                .value
                .as_ref()
                .map(fields::display)
                .unwrap_or_default()
        };
        if let Some(key) = input.field.strip_prefix("custom.") {
            if !defs.iter().any(|d| d.key == key) {
                return Err("field_unknown");
            }
            return match input.op.as_str() {
                "equals" => Ok(Filter::CustomEquals(key.to_string(), text_value())),
                "contains" => Ok(Filter::CustomContains(key.to_string(), text_value())),
                _ => Err("operator_unknown"),
            };
        }
        let column = match input.field.as_str() {
            "name" => Customers::Name,
            "phone" => Customers::PhoneKey,
            "mobile" => Customers::MobileKey,
            "email" => Customers::Email,
            "website" => Customers::Website,
            "address" => Customers::Address,
            "tax_id" => Customers::TaxId,
            "notes" => Customers::Notes,
            "level_id" => Customers::LevelId,
            "industry_id" => Customers::IndustryId,
            "source_id" => Customers::SourceId,
            "owner_id" => Customers::OwnerId,
            "dealt" => Customers::Dealt,
            "locked" => Customers::Locked,
            "created_at" => Customers::CreatedAt,
            "updated_at" => Customers::UpdatedAt,
            "last_follow_up_at" => Customers::LastFollowUpAt,
            "next_contact_at" => Customers::NextContactAt,
            _ => return Err("field_unknown"),
        };
        let kind = match column {
            Customers::CreatedAt
            | Customers::UpdatedAt
            | Customers::LastFollowUpAt
            | Customers::NextContactAt => ValueKind::Instant,
            Customers::LevelId
            | Customers::IndustryId
            | Customers::SourceId
            | Customers::OwnerId => ValueKind::Ids,
            Customers::Dealt | Customers::Locked => ValueKind::Bool,
            _ => ValueKind::Text,
        };
        // What the dashboard's "forgotten" and "next contact passed" count.
        match (column, input.op.as_str()) {
            (Customers::LastFollowUpAt, "older_than_days") => {
                let days = input
                    .value
                    .as_ref()
                    .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
                    .filter(|d| (1..=3660).contains(d))
                    .ok_or("invalid_value")?;
                return Ok(Filter::FollowUpBefore(
                    self.now() - chrono::Duration::days(days),
                ));
            }
            (Customers::NextContactAt, "passed") => {
                return Ok(Filter::Between(column, None, Some(self.now().into())));
            }
            _ => {}
        }
        let day = |d: Option<NaiveDate>| d.map(|d| sea_query::Value::from(self.start_of(d)));
        Ok(
            match conditions::read(kind, &input.op, input.value.as_ref(), self.today())? {
                Test::Empty => Filter::IsEmpty(column),
                Test::NotEmpty => Filter::NotEmpty(column),
                Test::Contains(text) => {
                    if matches!(column, Customers::PhoneKey | Customers::MobileKey) {
                        Filter::Contains(column, kuijing_domain::company::phone_key(&text))
                    } else {
                        Filter::Contains(column, text)
                    }
                }
                Test::Equals(text) => Filter::Equals(column, text.into()),
                Test::Flag(flag) => Filter::Equals(column, flag.into()),
                Test::OneOf(ids) => Filter::OneOf(column, ids),
                Test::Days(from, to) => Filter::Between(column, day(from), day(to)),
                Test::OneOfText(_) | Test::Numbers(..) => return Err("operator_unknown"),
            },
        )
    }

    /// Midnight of a calendar day in the company's zone, as an instant.
    pub(crate) fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let zone = self.time_zone();
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(zone).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    }
}

pub(crate) fn parse_sort(
    query: &CustomerListQuery,
) -> Result<(Sort, Option<(sea_query::Value, i64)>)> {
    let name = query.sort.as_deref().unwrap_or("id");
    let Some((_, column)) = SORTABLE.iter().find(|(n, _)| *n == name) else {
        return Err(
            FieldErrors::from(kuijing_domain::FieldError::new("sort", "invalid_choice")).into(),
        );
    };
    let descending = if query.sort.is_none() {
        true
    } else {
        query.descending
    };
    let sort = Sort {
        column: *column,
        descending,
    };
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => Some(decode_cursor(cursor, *column).ok_or_else(|| {
            ServiceError::Invalid(
                kuijing_domain::FieldError::new("cursor", "cursor_invalid").into(),
            )
        })?),
    };
    Ok((sort, after))
}

/// A cursor holds the sort value and id of the last row shown.
pub(crate) fn cursor_of(customer: &Customer, column: Customers) -> String {
    let value = match column {
        Customers::Name => serde_json::Value::from(customer.name.clone()),
        Customers::CreatedAt => serde_json::Value::from(customer.created_at.to_rfc3339()),
        Customers::UpdatedAt => serde_json::Value::from(customer.updated_at.to_rfc3339()),
        _ => serde_json::Value::Null,
    };
    URL_SAFE_NO_PAD.encode(serde_json::json!([value, customer.id]).to_string())
}

fn decode_cursor(cursor: &str, column: Customers) -> Option<(sea_query::Value, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let (value, id): (serde_json::Value, i64) = serde_json::from_slice(&bytes).ok()?;
    let value: sea_query::Value = match column {
        Customers::Name => value.as_str()?.to_string().into(),
        Customers::CreatedAt | Customers::UpdatedAt => {
            DateTime::parse_from_rfc3339(value.as_str()?)
                .ok()?
                .with_timezone(&Utc)
                .into()
        }
        _ => id.into(),
    };
    Some((value, id))
}
