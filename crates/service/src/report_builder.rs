//! The report builder: a kind of record, one or two groupings (system
//! fields, custom fields, days bucketed in the company's time zone),
//! measures (count, sum, average of a money or number field), filters and
//! a chart; saved, shared with users, departments or roles, and always
//! computed within the viewer's own scope.

use std::collections::BTreeMap;

use kuijing_domain::fields::FieldType as CustomType;
use kuijing_domain::{Action, FieldErrors, Kind, Permission};
use kuijing_store::figures::{self, Aggregate, Bucket, CustomTest, Filter, Key, Measure, Source};
use kuijing_store::saved_reports::{self, SavedReport, Share, Viewer};
use kuijing_store::{Tx, options, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::conditions::{self, Test, ValueKind};
use crate::dashboard::DashboardQuery;
use crate::error::{Result, ServiceError};
use crate::reports::{Assembly, GROUP_LIMIT, Report, Unit, invalid};
use crate::{App, Caller};

mod catalog;
mod whole;
pub use catalog::{BuilderCatalog, CatalogField};

/// What a system field holds, for grouping, measuring and filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    User,
    /// The department of the record's owner.
    Department,
    /// A choice administrators keep: (kind, field) of `options`.
    Choice(&'static str, &'static str),
    Stage,
    Pipeline,
    /// One of a fixed list of values (statuses, outcomes).
    Fixed(&'static [&'static str]),
    Text,
    Bool,
    Instant,
    Day,
    Money,
}

#[derive(Debug)]
struct Field {
    name: &'static str,
    column: &'static str,
    kind: Type,
}

const fn f(name: &'static str, column: &'static str, kind: Type) -> Field {
    Field { name, column, kind }
}

const OUTCOMES: &[&str] = &["open", "won", "lost", "invalid"];
const CONTRACT_STATUSES: &[&str] = &[
    "draft",
    "in_approval",
    "approved",
    "rejected",
    "withdrawn",
    "void",
];
const PAYMENT_STATUSES: &[&str] = CONTRACT_STATUSES;
const FOLLOW_UP_KINDS: &[&str] = &["lead", "customer", "contact", "opportunity", "contract"];

/// A kind the builder reports on.
struct Spec {
    kind: &'static str,
    source: Source,
    permission: Kind,
    owner: &'static str,
    /// The day or instant the period applies to by default.
    period: &'static str,
    currency: Option<&'static str>,
    /// The table whose `custom` column holds custom fields, if any.
    custom: Option<&'static str>,
    fields: &'static [Field],
}

const SPECS: &[Spec] = &[
    Spec {
        kind: "customers",
        source: Source::Customers,
        permission: Kind::Customer,
        owner: "customers.owner_id",
        period: "created_at",
        currency: None,
        custom: Some("customers"),
        fields: &[
            f("owner_id", "customers.owner_id", Type::User),
            f("department", "customers.owner_id", Type::Department),
            f(
                "industry_id",
                "customers.industry_id",
                Type::Choice("customer", "industry_id"),
            ),
            f(
                "source_id",
                "customers.source_id",
                Type::Choice("customer", "source_id"),
            ),
            f(
                "level_id",
                "customers.level_id",
                Type::Choice("customer", "level_id"),
            ),
            f("province", "customers.province", Type::Text),
            f("city", "customers.city", Type::Text),
            f("district", "customers.district", Type::Text),
            f("dealt", "customers.dealt", Type::Bool),
            f("locked", "customers.locked", Type::Bool),
            f("created_at", "customers.created_at", Type::Instant),
            f("dealt_at", "customers.dealt_at", Type::Instant),
            f(
                "last_follow_up_at",
                "customers.last_follow_up_at",
                Type::Instant,
            ),
        ],
    },
    Spec {
        kind: "leads",
        source: Source::Leads,
        permission: Kind::Lead,
        owner: "leads.owner_id",
        period: "created_at",
        currency: None,
        custom: None,
        fields: &[
            f("owner_id", "leads.owner_id", Type::User),
            f("department", "leads.owner_id", Type::Department),
            f(
                "industry_id",
                "leads.industry_id",
                Type::Choice("lead", "industry_id"),
            ),
            f(
                "source_id",
                "leads.source_id",
                Type::Choice("lead", "source_id"),
            ),
            f(
                "level_id",
                "leads.level_id",
                Type::Choice("lead", "level_id"),
            ),
            f("converted", "leads.converted", Type::Bool),
            f("created_at", "leads.created_at", Type::Instant),
            f("converted_at", "leads.converted_at", Type::Instant),
        ],
    },
    Spec {
        kind: "contacts",
        source: Source::Contacts,
        permission: Kind::Contact,
        owner: "contacts.owner_id",
        period: "created_at",
        currency: None,
        custom: None,
        fields: &[
            f("owner_id", "contacts.owner_id", Type::User),
            f("department", "contacts.owner_id", Type::Department),
            f("decision_maker", "contacts.decision_maker", Type::Bool),
            f("post", "contacts.post", Type::Text),
            f("created_at", "contacts.created_at", Type::Instant),
        ],
    },
    Spec {
        kind: "opportunities",
        source: Source::Opportunities,
        permission: Kind::Opportunity,
        owner: "opportunities.owner_id",
        period: "created_at",
        currency: Some("opportunities.currency"),
        custom: Some("opportunities"),
        fields: &[
            f("owner_id", "opportunities.owner_id", Type::User),
            f("department", "opportunities.owner_id", Type::Department),
            f("pipeline_id", "opportunities.pipeline_id", Type::Pipeline),
            f("stage_id", "opportunities.stage_id", Type::Stage),
            f("outcome", "opportunities.outcome", Type::Fixed(OUTCOMES)),
            f("currency", "opportunities.currency", Type::Text),
            f("created_at", "opportunities.created_at", Type::Instant),
            f("closed_at", "opportunities.closed_at", Type::Instant),
            f(
                "expected_close_on",
                "opportunities.expected_close_on",
                Type::Day,
            ),
            f("amount", "opportunities.amount", Type::Money),
        ],
    },
    Spec {
        kind: "contracts",
        source: Source::Contracts,
        permission: Kind::Contract,
        owner: "contracts.owner_id",
        period: "signed_on",
        currency: Some("contracts.currency"),
        custom: Some("contracts"),
        fields: &[
            f("owner_id", "contracts.owner_id", Type::User),
            f("department", "contracts.owner_id", Type::Department),
            f("status", "contracts.status", Type::Fixed(CONTRACT_STATUSES)),
            f("currency", "contracts.currency", Type::Text),
            f("signed_on", "contracts.signed_on", Type::Day),
            f("ends_on", "contracts.ends_on", Type::Day),
            f("created_at", "contracts.created_at", Type::Instant),
            f("approved_at", "contracts.approved_at", Type::Instant),
            f("amount", "contracts.amount", Type::Money),
            f("received", "contracts.received", Type::Money),
        ],
    },
    Spec {
        kind: "payments",
        source: Source::Payments,
        permission: Kind::Payment,
        owner: "payments.owner_id",
        period: "received_on",
        currency: Some("payments.currency"),
        custom: None,
        fields: &[
            f("owner_id", "payments.owner_id", Type::User),
            f("department", "payments.owner_id", Type::Department),
            f("status", "payments.status", Type::Fixed(PAYMENT_STATUSES)),
            f(
                "method_id",
                "payments.method_id",
                Type::Choice("payment", "method_id"),
            ),
            f("currency", "payments.currency", Type::Text),
            f("received_on", "payments.received_on", Type::Day),
            f("created_at", "payments.created_at", Type::Instant),
            f("amount", "payments.amount", Type::Money),
        ],
    },
    Spec {
        kind: "follow_ups",
        source: Source::FollowUps,
        permission: Kind::FollowUp,
        owner: "follow_ups.author_id",
        period: "happened_at",
        currency: None,
        custom: None,
        fields: &[
            f("author_id", "follow_ups.author_id", Type::User),
            f("department", "follow_ups.author_id", Type::Department),
            f(
                "method_id",
                "follow_ups.method_id",
                Type::Choice("follow_up", "method_id"),
            ),
            f("kind", "follow_ups.kind", Type::Fixed(FOLLOW_UP_KINDS)),
            f("happened_at", "follow_ups.happened_at", Type::Instant),
        ],
    },
];

/// The kinds the builder offers.
pub fn kinds() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.kind).collect()
}

/// A kind's system fields: (name, whether it groups, whether it is
/// measured, whether it takes a day bucket).
pub fn fields_of(kind: &str) -> Vec<(&'static str, bool, bool, bool)> {
    SPECS
        .iter()
        .find(|s| s.kind == kind)
        .map(|s| {
            s.fields
                .iter()
                .map(|f| {
                    let measured = matches!(f.kind, Type::Money);
                    let dated = matches!(f.kind, Type::Instant | Type::Day);
                    (f.name, !measured, measured, dated)
                })
                .collect()
        })
        .unwrap_or_default()
}

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
/// `between`, a period such as `this_month`, `is_empty`, `not_empty`) and
/// its value (a text, ids, or `{"from": .., "to": ..}`).
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

impl App {
    async fn custom_defs(
        &self,
        tx: &mut Tx,
        spec: &Spec,
    ) -> Result<Vec<kuijing_domain::fields::FieldDef>> {
        let kind = match spec.custom {
            Some("customers") => Kind::Customer,
            Some("opportunities") => Kind::Opportunity,
            Some("contracts") => Kind::Contract,
            _ => return Ok(Vec::new()),
        };
        Ok(kuijing_store::field_defs::of_kind(tx, kind.as_str()).await?)
    }

    /// Checks a definition into statements' parts; every refusal names the
    /// field at fault. A definition being saved must also mean something
    /// (no grouping twice, no field on a count); one saved before these
    /// checks still runs.
    async fn check(
        &self,
        tx: &mut Tx,
        definition: &ReportDefinition,
        saver: Option<&Caller>,
    ) -> Result<Checked> {
        let saving = saver.is_some();
        let mut errors = FieldErrors::new();
        if definition.name.trim().is_empty() {
            errors.add("name", "required");
        } else if definition.name.chars().count() > 100 {
            errors.push(kuijing_domain::Refusal::too_long(100).on("name"));
        }
        let Some(spec) = SPECS.iter().find(|s| s.kind == definition.kind) else {
            errors.add("kind", "invalid_choice");
            return Err(ServiceError::Invalid(errors));
        };
        let defs = self.custom_defs(tx, spec).await?;
        let resolve = |name: &str| -> Option<Resolved> {
            match name.strip_prefix("custom.") {
                Some(key) => defs
                    .iter()
                    .find(|d| d.key == key)
                    .map(|d| Resolved::Custom(d.key.clone(), d.label.clone(), d.field_type)),
                None => spec
                    .fields
                    .iter()
                    .find(|f| f.name == name)
                    .map(Resolved::System),
            }
        };
        if definition.group_by.is_empty() {
            errors.add("group_by", "required");
        }
        if definition.group_by.len() > 2 {
            errors.add("group_by", "too_many");
        }
        let mut groups = Vec::new();
        for (index, text) in definition.group_by.iter().enumerate() {
            let at = format!("group_by.{index}");
            let (name, bucket) = match text.split_once(':') {
                Some((name, bucket)) => (name, Some(bucket)),
                None => (text.as_str(), None),
            };
            let Some(field) = resolve(name) else {
                errors.add_labelled(&at, name, "unknown_field");
                continue;
            };
            let dated = match &field {
                Resolved::System(f) => matches!(f.kind, Type::Instant | Type::Day),
                Resolved::Custom(_, _, t) => matches!(t, CustomType::Date | CustomType::DateTime),
            };
            let measured = match &field {
                Resolved::System(f) => matches!(f.kind, Type::Money),
                Resolved::Custom(_, _, t) => matches!(t, CustomType::Number | CustomType::Money),
            };
            if measured {
                errors.add_labelled(&at, name, "not_groupable");
                continue;
            }
            let bucket = match (dated, bucket) {
                // A date grouped without saying by what is refused when
                // saved; one saved before this check still runs by month.
                (true, None) if saving => {
                    errors.add_labelled(&at, name, "bucket_required");
                    continue;
                }
                (true, None) => Some(Bucket::Month),
                (true, Some(b)) => match Bucket::parse(b) {
                    Some(b) => Some(b),
                    None => {
                        // A date with a bucket the builder does not know.
                        errors.add_labelled(&at, name, "bucket_unknown");
                        continue;
                    }
                },
                (false, Some(_)) => {
                    errors.add_labelled(&at, name, "invalid_bucket");
                    continue;
                }
                (false, None) => None,
            };
            // The same grouping twice groups nothing more.
            if saving
                && groups.iter().any(|(g, b): &(Resolved, Option<Bucket>)| {
                    g.name() == field.name() && *b == bucket
                })
            {
                errors.add_labelled(&at, name, "grouped_twice");
                continue;
            }
            groups.push((field, bucket));
        }
        if definition.measures.is_empty() {
            errors.add("measures", "required");
        }
        if definition.measures.len() > 3 {
            errors.add("measures", "too_many");
        }
        let mut measures = Vec::new();
        for (index, measure) in definition.measures.iter().enumerate() {
            let at = format!("measures.{index}");
            match measure.op.as_str() {
                "count" => match measure.field.as_deref().map(str::trim) {
                    // A count counts records; a field would be ignored.
                    Some(name) if saving && !name.is_empty() => {
                        errors.add_labelled(format!("{at}.field"), name, "count_takes_no_field")
                    }
                    _ => measures.push(("count".to_string(), None)),
                },
                "sum" | "average" => {
                    let name = measure.field.clone().unwrap_or_default();
                    if name.trim().is_empty() {
                        errors.add(format!("{at}.field"), "measure_field_required");
                        continue;
                    }
                    let Some(field) = resolve(&name) else {
                        errors.add_labelled(format!("{at}.field"), &name, "unknown_field");
                        continue;
                    };
                    let numeric = match &field {
                        Resolved::System(f) => matches!(f.kind, Type::Money),
                        Resolved::Custom(_, _, t) => {
                            matches!(t, CustomType::Number | CustomType::Money)
                        }
                    };
                    if !numeric {
                        errors.add_labelled(format!("{at}.field"), &name, "not_a_number");
                        continue;
                    }
                    measures.push((measure.op.clone(), Some(field)));
                }
                _ => errors.add(format!("{at}.op"), "measure_unknown"),
            }
        }
        let mut filters = Vec::new();
        let mut people: Option<(kuijing_domain::OrgChart, Vec<i64>)> = None;
        for (index, filter) in definition.filters.iter().enumerate() {
            let at = format!("filters.{index}");
            let Some(field) = resolve(&filter.field) else {
                // A condition is on a date itself, never on a bucket of it.
                let code = match filter.field.split_once(':') {
                    Some((name, _)) if resolve(name).is_some() => "condition_on_bucket",
                    _ => "unknown_field",
                };
                errors.add_labelled(format!("{at}.field"), &filter.field, code);
                continue;
            };
            let test = match conditions::read(
                value_kind(&field),
                &filter.op,
                filter.value.as_ref(),
                self.today(),
            ) {
                Ok(test) => test,
                Err("operator_unknown") => {
                    errors.add_labelled(
                        format!("{at}.op"),
                        &filter.field,
                        "operator_not_for_field",
                    );
                    continue;
                }
                Err(code) => {
                    errors.add_labelled(format!("{at}.value"), &filter.field, code);
                    continue;
                }
            };
            // A department stands for the people in it.
            let owners = matches!(&field, Resolved::System(f) if matches!(f.kind, Type::Department | Type::User));
            if owners && people.is_none() {
                let org = kuijing_store::departments::org_chart(tx).await?;
                let ids = users::all_names(tx).await?.into_iter().map(|(id, _)| id);
                people = Some((org, ids.collect()));
            }
            // A report is saved naming only owners and departments in the
            // saver's scope of the kind, as the form offers them.
            if let (Some(caller), Some((org, _)), Test::OneOf(ids), Resolved::System(f)) =
                (saver, people.as_ref(), &test, &field)
            {
                let seen = caller.actor.visibility(spec.permission, org);
                let outside = ids.iter().any(|id| match f.kind {
                    Type::Department => !(seen.all || seen.departments.contains(id)),
                    _ => !(seen.all || org.department_of(*id).is_some_and(|d| seen.sees(*id, d))),
                });
                if owners && outside {
                    errors.add_labelled(
                        format!("{at}.value"),
                        &filter.field,
                        "outside_scope_values",
                    );
                    continue;
                }
            }
            match self.filters_of(spec, &field, test, people.as_ref()) {
                Some(mut more) => filters.append(&mut more),
                None => errors.add_labelled(format!("{at}.value"), &filter.field, "invalid_value"),
            }
        }
        let period_name = definition.period_field.as_deref().unwrap_or(spec.period);
        let period = spec
            .fields
            .iter()
            .find(|f| f.name == period_name && matches!(f.kind, Type::Instant | Type::Day));
        if period.is_none() {
            errors.add_labelled("period_field", period_name, "unknown_field");
        }
        if !CHARTS.contains(&definition.chart.as_str()) {
            errors.add("chart", "invalid_choice");
        }
        errors.into_result()?;
        let period = period.ok_or_else(|| invalid("period_field", "unknown_field"))?;
        Ok(Checked {
            spec,
            groups,
            measures,
            filters,
            period,
        })
    }

    /// The store's conditions for one checked test on a field; `None` when
    /// the value does not fit the field (an amount that is not money).
    fn filters_of(
        &self,
        spec: &Spec,
        field: &Resolved,
        test: Test,
        people: Option<&(kuijing_domain::OrgChart, Vec<i64>)>,
    ) -> Option<Vec<Filter>> {
        let table = spec.custom.unwrap_or_default();
        let instant = |d: chrono::NaiveDate| self.start_of(d);
        Some(match (field, test) {
            (Resolved::System(f), test) => {
                let column = f.column;
                match test {
                    Test::Empty => vec![Filter::IsNull(column)],
                    Test::NotEmpty => vec![Filter::NotNull(column)],
                    Test::Contains(text) => vec![Filter::Contains(column, text)],
                    Test::Equals(text) => vec![Filter::Eq(column, text.into())],
                    Test::Flag(flag) => vec![Filter::Eq(column, flag.into())],
                    Test::OneOf(ids) if f.kind == Type::Department => {
                        let (org, everyone) = people?;
                        let departments: std::collections::BTreeSet<i64> = ids
                            .iter()
                            .flat_map(|d| org.department_and_below(*d))
                            .collect();
                        let owners = everyone
                            .iter()
                            .filter(|u| {
                                org.department_of(**u)
                                    .is_some_and(|d| departments.contains(&d))
                            })
                            .map(|u| (*u).into())
                            .collect();
                        vec![Filter::In(column, owners)]
                    }
                    Test::OneOf(ids) => {
                        vec![Filter::In(
                            column,
                            ids.into_iter().map(Into::into).collect(),
                        )]
                    }
                    Test::OneOfText(texts) => {
                        if let Type::Fixed(values) = f.kind
                            && texts.iter().any(|t| !values.contains(&t.as_str()))
                        {
                            return None;
                        }
                        vec![Filter::In(
                            column,
                            texts.into_iter().map(Into::into).collect(),
                        )]
                    }
                    Test::Days(from, to) => {
                        let mut out = Vec::new();
                        if f.kind == Type::Day {
                            out.extend(from.map(|d| Filter::AtLeast(column, d.into())));
                            out.extend(to.map(|d| Filter::Before(column, d.into())));
                        } else {
                            out.extend(from.map(|d| Filter::AtLeast(column, instant(d).into())));
                            out.extend(to.map(|d| Filter::Before(column, instant(d).into())));
                        }
                        out
                    }
                    Test::Numbers(from, to) => {
                        let cents = |text: Option<String>| -> Option<Option<i64>> {
                            match text {
                                None => Some(None),
                                Some(t) => kuijing_domain::money::parse_amount(&t).ok().map(Some),
                            }
                        };
                        let (from, to) = (cents(from)?, cents(to)?);
                        let mut out = Vec::new();
                        out.extend(from.map(|c| Filter::AtLeast(column, c.into())));
                        out.extend(to.map(|c| Filter::AtMost(column, c.into())));
                        out
                    }
                }
            }
            (Resolved::Custom(key, _, custom_type), test) => {
                let custom = |t: CustomTest| Filter::Custom(table, key.clone(), t);
                let iso = |d: chrono::NaiveDate| {
                    if *custom_type == CustomType::DateTime {
                        instant(d).to_rfc3339()
                    } else {
                        d.format("%Y-%m-%d").to_string()
                    }
                };
                match test {
                    Test::Empty => vec![custom(CustomTest::Empty)],
                    Test::NotEmpty => vec![custom(CustomTest::NotEmpty)],
                    Test::Contains(text) => vec![custom(CustomTest::Contains(text))],
                    Test::Equals(text) => vec![custom(CustomTest::Equals(text))],
                    Test::Flag(flag) => vec![custom(CustomTest::Flag(flag))],
                    Test::OneOf(ids) => vec![custom(CustomTest::OneOf(
                        ids.iter().map(i64::to_string).collect(),
                    ))],
                    Test::OneOfText(texts) => vec![custom(CustomTest::OneOf(texts))],
                    Test::Days(from, to) => {
                        let mut out = Vec::new();
                        out.extend(from.map(|d| custom(CustomTest::From(iso(d)))));
                        out.extend(to.map(|d| custom(CustomTest::Before(iso(d)))));
                        out
                    }
                    Test::Numbers(from, to) => {
                        let mut out = Vec::new();
                        out.extend(from.map(|n| custom(CustomTest::NumberAtLeast(n))));
                        out.extend(to.map(|n| custom(CustomTest::NumberAtMost(n))));
                        out
                    }
                }
            }
        })
    }

    async fn check_shares(&self, tx: &mut Tx, shares: &[ShareInput]) -> Result<Vec<Share>> {
        let org = kuijing_store::departments::org_chart(tx).await?;
        let roles = kuijing_store::roles::list(tx, None).await?;
        let mut errors = FieldErrors::new();
        let mut out = Vec::new();
        for (index, share) in shares.iter().enumerate() {
            let known = match share.kind.as_str() {
                "user" => org.department_of(share.id).is_some(),
                "department" => org.department_ids().any(|d| d == share.id),
                "role" => roles.iter().any(|r| r.id == share.id),
                _ => {
                    errors.add(format!("shares.{index}.kind"), "invalid_choice");
                    continue;
                }
            };
            if !known {
                errors.add(format!("shares.{index}.id"), "invalid_choice");
                continue;
            }
            let share = Share {
                target_kind: share.kind.clone(),
                target_id: share.id,
            };
            if !out.contains(&share) {
                out.push(share);
            }
        }
        errors.into_result()?;
        Ok(out)
    }

    async fn viewer_roles(&self, tx: &mut Tx, caller: &Caller) -> Result<Vec<i64>> {
        Ok(users::role_ids(tx, caller.user.id).await?)
    }

    /// A saved report the caller may open; any other is not found.
    async fn open_saved(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<SavedReport> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let roles = self.viewer_roles(tx, caller).await?;
        let viewer = Viewer {
            user: caller.user.id,
            department: caller.user.department_id,
            roles: &roles,
        };
        let all = caller.can(Permission::new(Kind::Report, Action::Manage));
        saved_reports::get(tx, id, &viewer, all)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    fn may_edit(&self, caller: &Caller, report: &SavedReport) -> bool {
        caller.can(Permission::new(Kind::Report, Action::Manage))
            || (report.created_by == caller.user.id
                && caller.can(Permission::new(Kind::Report, Action::Create)))
    }

    fn view_of(
        &self,
        caller: &Caller,
        report: SavedReport,
        shares: Vec<Share>,
    ) -> Result<SavedReportView> {
        let stored: Stored = serde_json::from_str(&report.definition)
            .map_err(|e| ServiceError::Internal(format!("saved report {}: {e}", report.id)))?;
        Ok(SavedReportView {
            id: report.id,
            version: report.version,
            created_by: report.created_by,
            editable: self.may_edit(caller, &report),
            definition: ReportDefinition {
                name: report.name,
                kind: report.kind,
                group_by: stored.group_by,
                measures: stored.measures,
                filters: stored.filters,
                period_field: stored.period_field,
                chart: stored.chart,
                shares: shares
                    .into_iter()
                    .map(|s| ShareInput {
                        kind: s.target_kind,
                        id: s.target_id,
                    })
                    .collect(),
            },
        })
    }

    /// The saved reports the caller may open.
    pub async fn saved_reports(&self, caller: &Caller) -> Result<Vec<SavedReportView>> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let mut tx = self.db.read().await?;
        let roles = self.viewer_roles(&mut tx, caller).await?;
        let viewer = Viewer {
            user: caller.user.id,
            department: caller.user.department_id,
            roles: &roles,
        };
        let all = caller.can(Permission::new(Kind::Report, Action::Manage));
        let mut out = Vec::new();
        for report in saved_reports::list(&mut tx, &viewer, all).await? {
            let shares = saved_reports::shares(&mut tx, report.id).await?;
            out.push(self.view_of(caller, report, shares)?);
        }
        Ok(out)
    }

    pub async fn saved_report(&self, caller: &Caller, id: i64) -> Result<SavedReportView> {
        let mut tx = self.db.read().await?;
        let report = self.open_saved(&mut tx, caller, id).await?;
        let shares = saved_reports::shares(&mut tx, id).await?;
        self.view_of(caller, report, shares)
    }

    fn stored_of(definition: &ReportDefinition) -> Result<String> {
        serde_json::to_string(&Stored {
            group_by: definition.group_by.clone(),
            measures: definition.measures.clone(),
            filters: definition.filters.clone(),
            period_field: definition.period_field.clone(),
            chart: definition.chart.clone(),
        })
        .map_err(|e| ServiceError::Internal(format!("report definition: {e}")))
    }

    /// Saves a new report (who may build reports).
    pub async fn create_report(
        &self,
        caller: &Caller,
        definition: &ReportDefinition,
    ) -> Result<SavedReportView> {
        self.may_build_reports(caller)?;
        let mut tx = self.db.write().await?;
        self.check(&mut tx, definition, Some(caller)).await?;
        let shares = self.check_shares(&mut tx, &definition.shares).await?;
        let stored = Self::stored_of(definition)?;
        let id = saved_reports::insert(
            &mut tx,
            (definition.name.trim(), &definition.kind, &stored),
            caller.user.id,
            self.now(),
        )
        .await?;
        saved_reports::set_shares(&mut tx, id, &shares).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Report, id),
            kuijing_domain::ChangeAction::Create,
            ("name", definition.name.trim()),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(report.id = id, actor.id = caller.user.id, "report saved");
        self.saved_report(caller, id).await
    }

    /// Changes a saved report: its maker or a report manager, on the version read.
    pub async fn update_report(
        &self,
        caller: &Caller,
        (id, version): (i64, i64),
        definition: &ReportDefinition,
    ) -> Result<SavedReportView> {
        let mut tx = self.db.write().await?;
        let report = self.open_saved(&mut tx, caller, id).await?;
        if !self.may_edit(caller, &report) {
            return Err(ServiceError::Forbidden);
        }
        self.check(&mut tx, definition, Some(caller)).await?;
        let shares = self.check_shares(&mut tx, &definition.shares).await?;
        let stored = Self::stored_of(definition)?;
        let changed = saved_reports::update(
            &mut tx,
            (id, version),
            (definition.name.trim(), &definition.kind, &stored),
            self.now(),
        )
        .await?;
        if !changed {
            return Err(ServiceError::Stale {
                version: report.version,
            });
        }
        saved_reports::set_shares(&mut tx, id, &shares).await?;
        self.log_update(
            &mut tx,
            caller,
            Kind::Report,
            id,
            "definition",
            Some(report.definition),
            Some(stored),
        )
        .await?;
        tx.commit().await?;
        self.saved_report(caller, id).await
    }

    pub async fn delete_report(&self, caller: &Caller, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        let report = self.open_saved(&mut tx, caller, id).await?;
        if !self.may_edit(caller, &report) {
            return Err(ServiceError::Forbidden);
        }
        saved_reports::delete(&mut tx, id).await?;
        self.log_named(
            &mut tx,
            caller,
            (Kind::Report, id),
            kuijing_domain::ChangeAction::Delete,
            ("name", &report.name),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(report.id = id, actor.id = caller.user.id, "report deleted");
        Ok(())
    }

    /// Runs a saved report for the caller: their scope, their period.
    pub async fn run_report(
        &self,
        caller: &Caller,
        id: i64,
        query: &DashboardQuery,
    ) -> Result<Report> {
        let view = self.saved_report(caller, id).await?;
        let mut report = self.run_definition(caller, &view.definition, query).await?;
        report.name = view.definition.name;
        Ok(report)
    }

    /// Runs a definition (saved or being tried out) in the caller's scope.
    pub async fn run_definition(
        &self,
        caller: &Caller,
        definition: &ReportDefinition,
        query: &DashboardQuery,
    ) -> Result<Report> {
        caller.require(Permission::new(Kind::Report, Action::View))?;
        let mut tx = self.db.read().await?;
        // Every refusal at once: the definition's, the period's and whose data.
        let mut errors = FieldErrors::new();
        let checked = match self.check(&mut tx, definition, None).await {
            Ok(checked) => Some(checked),
            Err(ServiceError::Invalid(more)) => {
                errors.0.extend(more.0);
                None
            }
            Err(other) => return Err(other),
        };
        let frame = self
            .frame_checked(&mut tx, caller, query, &mut errors)
            .await?;
        errors.into_result()?;
        let (Some(checked), Some(frame)) = (checked, frame) else {
            return Err(invalid("period", "invalid_choice"));
        };
        let spec = checked.spec;
        let owners = frame.whose.owners(caller, spec.permission);
        let keys: Vec<Key> = checked
            .groups
            .iter()
            .map(|(field, bucket)| match (field, bucket) {
                (Resolved::Custom(key, _, t), Some(b)) if *t == CustomType::DateTime => {
                    Key::CustomInstant(spec.custom.unwrap_or_default(), key.clone(), *b)
                }
                (Resolved::Custom(key, _, _), Some(b)) => {
                    Key::CustomDate(spec.custom.unwrap_or_default(), key.clone(), *b)
                }
                (Resolved::Custom(key, _, _), None) => {
                    Key::Custom(spec.custom.unwrap_or_default(), key.clone())
                }
                (Resolved::System(f), Some(b)) if f.kind == Type::Instant => {
                    Key::Instant(f.column, *b)
                }
                (Resolved::System(f), Some(b)) => Key::Date(f.column, *b),
                (Resolved::System(f), None) if f.kind == Type::Department => {
                    Key::DepartmentOf(f.column)
                }
                (Resolved::System(f), None) => Key::Column(f.column),
            })
            .collect();
        let money = checked
            .measures
            .iter()
            .any(|(_, field)| matches!(field, Some(Resolved::System(f)) if f.kind == Type::Money));
        let mut measures = vec![Measure::Count];
        for (_, field) in &checked.measures {
            match field {
                Some(Resolved::System(f)) => measures.push(Measure::Sum(f.column)),
                Some(Resolved::Custom(key, _, _)) => measures.push(Measure::SumCustom(
                    spec.custom.unwrap_or_default(),
                    key.clone(),
                )),
                None => measures.push(Measure::Count),
            }
        }
        let mut filters = checked.filters.clone();
        filters.push(match checked.period.kind {
            Type::Day => Filter::Days(checked.period.column, frame.from, frame.to),
            _ => Filter::Between(checked.period.column, frame.at.0, frame.at.1),
        });
        let grouped = Aggregate {
            source: spec.source,
            owner: spec.owner,
            owners: owners.as_deref(),
            keys,
            currency: if money { spec.currency } else { None },
            measures,
            filters,
            limit: GROUP_LIMIT,
        };
        let rows = figures::aggregate(&mut tx, &grouped, &frame.zone).await?;
        // Averages' totals are over all the rows, in one statement.
        let averaged = checked.measures.iter().any(|(op, _)| op == "average");
        let whole_rows = if averaged {
            let all = Aggregate {
                keys: Vec::new(),
                ..grouped.clone()
            };
            figures::aggregate(&mut tx, &all, &frame.zone).await?
        } else {
            Vec::new()
        };
        let mut table = Assembly::default();
        table.note(&rows);
        for (index, (op, field)) in checked.measures.iter().enumerate() {
            let position = index + 1;
            let name = field.as_ref().map(Resolved::name);
            let label = match field {
                Some(Resolved::Custom(_, label, _)) => Some(label.as_str()),
                _ => None,
            };
            let is_money = matches!(field, Some(Resolved::System(f)) if f.kind == Type::Money);
            let at = name.as_deref().map(|n| (n, label));
            match (op.as_str(), is_money) {
                ("count", _) => {
                    let column = table.column("count", Unit::Count, None, None);
                    for row in &rows {
                        table.put(
                            (row.k1.clone(), row.k2.clone()),
                            column,
                            row.measure(position),
                        );
                    }
                }
                (op, true) => {
                    let currencies: std::collections::BTreeSet<String> =
                        rows.iter().filter_map(|r| r.currency.clone()).collect();
                    let currencies = if currencies.is_empty() {
                        std::collections::BTreeSet::from([frame.currency.clone()])
                    } else {
                        currencies
                    };
                    for currency in &currencies {
                        table.column(op, Unit::Money, Some(currency), at);
                    }
                    let mut sums: BTreeMap<(RowKey, String), (i64, i64)> = BTreeMap::new();
                    for row in &rows {
                        let currency = row
                            .currency
                            .clone()
                            .unwrap_or_else(|| frame.currency.clone());
                        let entry = sums
                            .entry(((row.k1.clone(), row.k2.clone()), currency))
                            .or_default();
                        entry.0 += row.measure(position);
                        entry.1 += row.m1;
                    }
                    for (((k1, k2), currency), (sum, count)) in sums {
                        let column = table.column(op, Unit::Money, Some(&currency), at);
                        let value = if op == "average" {
                            rounded(sum, count)
                        } else {
                            sum
                        };
                        table.put((k1, k2), column, value);
                        if op == "average" {
                            table.not_additive(column);
                        }
                    }
                }
                (op, false) => {
                    let column = table.column(op, Unit::Number, None, at);
                    let mut sums: BTreeMap<(Option<String>, Option<String>), (i64, i64)> =
                        BTreeMap::new();
                    for row in &rows {
                        let entry = sums.entry((row.k1.clone(), row.k2.clone())).or_default();
                        entry.0 += row.measure(position);
                        entry.1 += row.m1;
                    }
                    for (key, (sum, count)) in sums {
                        let value = if op == "average" {
                            rounded(sum, count)
                        } else {
                            sum
                        };
                        table.put(key, column, value);
                    }
                    if op == "average" {
                        table.not_additive(column);
                    }
                }
            }
        }
        whole::average_totals(&mut table, &checked, &whole_rows, &frame.currency);
        let dated = |index: usize| checked.groups.get(index).is_some_and(|(_, b)| b.is_some());
        let by_stage = matches!(checked.groups.first(), Some((Resolved::System(f), None)) if f.kind == Type::Stage);
        let truncated = table.truncated;
        let (columns, mut rows, totals) = table.finish(!dated(0) && !dated(1) && !by_stage);
        if dated(0) || dated(1) {
            in_time_order(&mut rows, (dated(0), dated(1)));
        } else if by_stage {
            let pipelines = kuijing_store::pipelines::list(&mut tx).await?;
            whole::in_stage_order(&mut rows, &pipelines);
        }
        for (index, (field, _)) in checked.groups.iter().enumerate() {
            let names = self.names_of(&mut tx, &frame, field).await?;
            for row in rows.iter_mut() {
                let key = if index == 0 { &row.key } else { &row.key2 };
                let label = match key {
                    Some(k) => names
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| bool_label(field, k)),
                    None => String::new(),
                };
                if index == 0 {
                    row.label = label;
                } else {
                    row.label2 = Some(label);
                }
            }
        }
        // The chart draws each measure once, money in the main currency.
        let wanted: Vec<&str> = checked.measures.iter().map(|(op, _)| op.as_str()).collect();
        let mut series = crate::reports::pick_series(&columns, &totals, &wanted);
        series.dedup();
        Ok(Report {
            name: definition.name.clone(),
            from: frame.from,
            to: frame.to - chrono::Duration::days(1),
            by: checked
                .groups
                .first()
                .map(|(f, _)| f.name())
                .unwrap_or_default(),
            by_label: checked.groups.first().and_then(|(f, _)| f.label()),
            by2: checked.groups.get(1).map(|(f, _)| f.name()),
            by2_label: checked.groups.get(1).and_then(|(f, _)| f.label()),
            chart: definition.chart.clone(),
            columns,
            rows,
            totals,
            truncated,
            series,
            other_currencies: Vec::new(),
        })
    }

    async fn names_of(
        &self,
        tx: &mut Tx,
        frame: &crate::reports::Frame,
        field: &Resolved,
    ) -> Result<BTreeMap<String, String>> {
        let Resolved::System(f) = field else {
            return Ok(BTreeMap::new());
        };
        match f.kind {
            Type::User => self.labels_for(tx, frame, "owner", "").await,
            Type::Department => self.labels_for(tx, frame, "department", "").await,
            Type::Stage => self.labels_for(tx, frame, "stage", "").await,
            Type::Pipeline => Ok(kuijing_store::pipelines::list(tx)
                .await?
                .into_iter()
                .map(|p| (p.id.to_string(), p.name))
                .collect()),
            Type::Choice(kind, name) => Ok(options::of_field(tx, kind, name)
                .await?
                .into_iter()
                .map(|o| (o.id.to_string(), o.label))
                .collect()),
            _ => Ok(BTreeMap::new()),
        }
    }
}

impl App {
    /// A saved report's table as CSV or XLSX.
    pub async fn export_saved_report(
        &self,
        caller: &Caller,
        id: i64,
        query: &DashboardQuery,
        format: crate::spreadsheets::Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Report, Action::Export))?;
        let mut report = self.run_report(caller, id, query).await?;
        crate::reports::name_coded_rows(&mut report, text);
        crate::reports::write_report(&self.settings.data_dir, &report, format, text)
    }
}

/// How a field is filtered.
fn value_kind(field: &Resolved) -> ValueKind {
    match field {
        Resolved::System(f) => match f.kind {
            Type::User | Type::Department | Type::Choice(..) | Type::Stage | Type::Pipeline => {
                ValueKind::Ids
            }
            Type::Fixed(_) => ValueKind::Options,
            Type::Text => ValueKind::Text,
            Type::Bool => ValueKind::Bool,
            Type::Instant => ValueKind::Instant,
            Type::Day => ValueKind::Day,
            Type::Money => ValueKind::Number,
        },
        Resolved::Custom(_, _, t) => custom_value_kind(*t),
    }
}

fn custom_value_kind(t: CustomType) -> ValueKind {
    match t {
        CustomType::Number | CustomType::Money | CustomType::Percent => ValueKind::Number,
        CustomType::Date => ValueKind::Day,
        CustomType::DateTime => ValueKind::Instant,
        CustomType::Choice => ValueKind::Options,
        CustomType::User | CustomType::Department => ValueKind::Ids,
        CustomType::Bool => ValueKind::Bool,
        _ => ValueKind::Text,
    }
}

/// Yes and no for true/false groups, system or custom alike (SQLite keeps
/// 1 and 0, PostgreSQL `true` and `false`).
fn bool_label(field: &Resolved, key: &str) -> String {
    let yes_no = match field {
        Resolved::System(f) => f.kind == Type::Bool,
        Resolved::Custom(_, _, t) => *t == CustomType::Bool,
    };
    match key {
        "1" | "true" if yes_no => "✓".into(),
        "0" | "false" if yes_no => "✗".into(),
        _ => key.to_string(),
    }
}

/// Where a date bucket falls in time: `YYYY`, `YYYY-Qn`, `YYYY-MM` or
/// `YYYY-MM-DD` (a day, or the Monday of a week) as (year, month, day);
/// none for anything else.
fn bucket_time(key: &str) -> Option<(i32, u32, u32)> {
    let mut parts = key.splitn(3, '-');
    let year = parts.next()?.parse::<i32>().ok()?;
    let (month, day) = match (parts.next(), parts.next()) {
        (None, _) => (1, 1),
        (Some(quarter), None) if quarter.starts_with('Q') => {
            let q = quarter[1..]
                .parse::<u32>()
                .ok()
                .filter(|q| (1..=4).contains(q))?;
            (q * 3 - 2, 1)
        }
        (Some(month), day) => (
            month.parse::<u32>().ok()?,
            day.map_or(Some(1), |d| d.parse::<u32>().ok())?,
        ),
    };
    Some((year, month, day))
}

/// Orders a group's keys in time: buckets by when they fall, those without
/// a day last.
fn time_order(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    let at = |k: &Option<String>| {
        let key = k.as_deref();
        (
            key.is_none(),
            key.and_then(bucket_time),
            key.map(str::to_string),
        )
    };
    at(a).cmp(&at(b))
}

/// Orders a builder's rows where a grouping is a date bucket: a dated first
/// grouping in time (and within each bucket, a dated second one in time, or
/// the largest first); a dated second grouping in time within each first
/// group, the groups largest first.
fn in_time_order(rows: &mut [crate::reports::ReportRow], dated: (bool, bool)) {
    let first = |r: &crate::reports::ReportRow| r.values.first().copied().flatten().unwrap_or(0);
    let mut group_totals: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for row in rows.iter() {
        *group_totals.entry(row.key.clone()).or_default() += first(row);
    }
    rows.sort_by(|a, b| {
        let outer = if dated.0 {
            time_order(&a.key, &b.key)
        } else {
            let total = |k: &Option<String>| group_totals.get(k).copied().unwrap_or(0);
            total(&b.key)
                .cmp(&total(&a.key))
                .then_with(|| a.key.cmp(&b.key))
        };
        outer.then_with(|| {
            if dated.1 {
                time_order(&a.key2, &b.key2)
            } else {
                first(b).cmp(&first(a))
            }
        })
    });
}

/// A row's keys: its first and second grouping's values.
type RowKey = (Option<String>, Option<String>);

/// An average, rounded half away from zero.
fn rounded(sum: i64, count: i64) -> i64 {
    if count == 0 {
        return 0;
    }
    let (sum, count) = (i128::from(sum), i128::from(count));
    ((sum * 2 + sum.signum() * count) / (count * 2)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_round_half_away_from_zero() {
        assert_eq!(rounded(5, 2), 3);
        assert_eq!(rounded(-5, 2), -3);
        assert_eq!(rounded(4, 3), 1);
        assert_eq!(rounded(0, 0), 0);
    }

    #[test]
    fn date_buckets_fall_in_time() {
        assert_eq!(bucket_time("2020"), Some((2020, 1, 1)));
        assert_eq!(bucket_time("2020-Q3"), Some((2020, 7, 1)));
        assert_eq!(bucket_time("2020-11"), Some((2020, 11, 1)));
        assert_eq!(bucket_time("2020-11-30"), Some((2020, 11, 30)));
        assert_eq!(bucket_time("2020-Q5"), None);
        let key = |k: &str| Some(k.to_string());
        let mut keys = [None, key("2021-01"), key("2020-12"), key("2020-02")];
        keys.sort_by(time_order);
        assert_eq!(keys, [key("2020-02"), key("2020-12"), key("2021-01"), None]);
    }

    #[test]
    fn every_kind_names_its_period_field_among_its_days() {
        for spec in SPECS {
            assert!(
                spec.fields
                    .iter()
                    .any(|f| f.name == spec.period && matches!(f.kind, Type::Instant | Type::Day)),
                "{}",
                spec.kind
            );
        }
    }
}
