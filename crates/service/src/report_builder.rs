//! The report builder: a kind of record, one or two groupings (system
//! fields, custom fields, days bucketed in the company's time zone),
//! measures (count, sum, average of a money or number field), filters and
//! a chart; saved, shared with users, departments or roles, and always
//! computed within the viewer's own scope.
//!
//! By subject: `fields` (what each kind offers), `check` (a definition
//! read and refused field by field), `filters` (conditions into the
//! store's), `run` (the statements and the table and chart they fill),
//! `order` (rows in time order, labels, rounding), `saved` (saving, sharing
//! and opening), `whole` (totals over all rows) and `catalog` (what the
//! form offers).

use kuijing_domain::fields::FieldType as CustomType;
use kuijing_store::figures::{Bucket, Filter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod catalog;
mod check;
mod fields;
mod filters;
mod order;
mod run;
mod saved;
mod whole;
use crate::reports::invalid;
pub use catalog::{BuilderCatalog, CatalogField};
use fields::{Field, SPECS, Spec, Type, custom_value_kind, value_kind};
pub use fields::{fields_of, kinds};
use order::rounded;

/// One measure: `count`, or `sum` / `average` of a money or number field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    /// `count`, `sum` or `average`.
    pub op: String,
    /// The field summed or averaged (`custom.KEY` for a custom field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// One condition, as the lists take it: a field (`custom.KEY` for a custom
/// field), an operator that fits the field (`contains`, `equals`, `one_of`,
/// `between`, a period such as `this_month`, `is_empty`, `not_empty`; on a
/// system date-time also `older_than_days` and `passed`) and its value (a
/// text, ids, the days, or `{"from": .., "to": ..}`).
pub use crate::customers::FilterInput;

/// Someone a report is shared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    /// `user`, `department` or `role`.
    pub kind: String,
    pub id: i64,
}

/// What a saved report computes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDefinition {
    pub name: String,
    /// `customers`, `leads`, `contacts`, `opportunities`, `contracts`,
    /// `payments` or `follow_ups`.
    pub kind: String,
    /// One or two fields: a system field, `custom.KEY`, or a date field
    /// with a bucket, `signed_on:month` (`day`, `week`, `month`,
    /// `quarter`, `year`, in the company's time zone).
    pub group_by: Vec<String>,
    /// One to three measures.
    pub measures: Vec<MeasureInput>,
    #[serde(default)]
    pub filters: Vec<FilterInput>,
    /// The day or instant the period picker applies to (the kind's usual
    /// one when empty: created, signed or received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_field: Option<String>,
    /// `bar`, `line`, `pie`, `funnel` or `table`.
    pub chart: String,
    #[serde(default)]
    pub shares: Vec<ShareInput>,
}

/// The stored part of a definition (the name and kind have their columns,
/// the shares their table).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    group_by: Vec<String>,
    measures: Vec<MeasureInput>,
    filters: Vec<FilterInput>,
    period_field: Option<String>,
    chart: String,
}

/// A saved report as its list and form show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedReportView {
    pub id: i64,
    pub version: i64,
    pub created_by: i64,
    /// Whether the viewer may change or delete it.
    pub editable: bool,
    #[serde(flatten)]
    pub definition: ReportDefinition,
}

/// A grouping or measured field, resolved.
#[derive(Debug, Clone)]
enum Resolved {
    System(&'static Field),
    Custom(String, String, CustomType),
}

impl Resolved {
    fn name(&self) -> String {
        match self {
            Resolved::System(f) => f.name.to_string(),
            Resolved::Custom(key, _, _) => format!("custom.{key}"),
        }
    }

    /// How a person knows a custom field: its label (system fields are
    /// named in the reader's language by the pages).
    fn label(&self) -> Option<String> {
        match self {
            Resolved::System(_) => None,
            Resolved::Custom(_, label, _) => Some(label.clone()),
        }
    }
}

struct Checked {
    spec: &'static Spec,
    groups: Vec<(Resolved, Option<Bucket>)>,
    measures: Vec<(String, Option<Resolved>)>,
    filters: Vec<Filter>,
    period: &'static Field,
}

const CHARTS: [&str; 5] = ["bar", "line", "pie", "funnel", "table"];
