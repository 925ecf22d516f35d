//! What each kind offers the builder: its system fields and how each is
//! grouped, measured and filtered.

use kuijing_domain::Kind;
use kuijing_domain::fields::FieldType as CustomType;
use kuijing_store::figures::Source;

use super::Resolved;
use crate::conditions::ValueKind;

/// What a system field holds, for grouping, measuring and filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Type {
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
pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) column: &'static str,
    pub(super) kind: Type,
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
pub(super) struct Spec {
    pub(super) kind: &'static str,
    pub(super) source: Source,
    pub(super) permission: Kind,
    pub(super) owner: &'static str,
    /// The day or instant the period applies to by default.
    pub(super) period: &'static str,
    pub(super) currency: Option<&'static str>,
    /// The table whose `custom` column holds custom fields, if any.
    pub(super) custom: Option<&'static str>,
    pub(super) fields: &'static [Field],
}

pub(super) const SPECS: &[Spec] = &[
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
            f(
                "next_contact_at",
                "customers.next_contact_at",
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
                Type::Choice("customer", "industry_id"),
            ),
            f(
                "source_id",
                "leads.source_id",
                Type::Choice("customer", "source_id"),
            ),
            f(
                "level_id",
                "leads.level_id",
                Type::Choice("customer", "level_id"),
            ),
            f("converted", "leads.converted", Type::Bool),
            f("created_at", "leads.created_at", Type::Instant),
            f("converted_at", "leads.converted_at", Type::Instant),
            f("next_contact_at", "leads.next_contact_at", Type::Instant),
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
                "next_contact_at",
                "opportunities.next_contact_at",
                Type::Instant,
            ),
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

/// How a field is filtered.
pub(super) fn value_kind(field: &Resolved) -> ValueKind {
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

pub(super) fn custom_value_kind(t: CustomType) -> ValueKind {
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

#[cfg(test)]
mod tests {
    use super::*;

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
