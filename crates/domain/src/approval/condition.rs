//! The conditions of a flow's steps: comparisons of a record's facts with
//! values an administrator set.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Facts;

/// The fact of a record's currency (`USD`, `JPY`, ...), which an amount
/// condition's currency is compared with and a condition may branch on.
pub const CURRENCY: &str = "currency";

/// `field op value`, e.g. `amount > 100000` (cents) in `USD`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub field: String,
    pub op: Op,
    pub value: FactValue,
    /// The currency an amount is stated in (ISO 4217, e.g. `USD`): the
    /// comparison holds only for a record whose `currency` fact is this
    /// one, so 100,000 dollars is never met by 200,000 yen. Required of a
    /// condition on money (the service checks); none for other fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// The fact is one of the values of a list.
    In,
}

/// A fact or a value to compare it with. Money is a `Number` in minor units;
/// the figure of a number or percent field is a `Figure` (decimals kept,
/// equal to a `Number` of the same value); a yes/no field a `Bool`; a date
/// field a `Date`; a date-and-time field an `Instant`; users, departments and choices are `Id`s. Values of
/// different types are never equal, so `Number(5)` is not `Id(5)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactValue {
    Number(i64),
    Figure(f64),
    Bool(bool),
    #[schema(value_type = String, format = Date)]
    Date(chrono::NaiveDate),
    /// A date-and-time field's instant (RFC 3339 with its offset, kept in
    /// UTC): compared as instants, not as text.
    #[schema(value_type = String, format = DateTime)]
    Instant(chrono::DateTime<chrono::Utc>),
    Text(String),
    Id(i64),
    #[schema(no_recursion)]
    List(Vec<FactValue>),
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
            Self::In => "in",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        [
            Self::Eq,
            Self::Ne,
            Self::Gt,
            Self::Ge,
            Self::Lt,
            Self::Le,
            Self::In,
        ]
        .into_iter()
        .find(|op| op.as_str() == text)
        .ok_or("invalid_choice")
    }

    fn orders(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }
}

impl FactValue {
    /// Whether two values are the same: texts in any case and width, with
    /// spaces around and between words aside; figures by their value (`50`
    /// is `50.0`); other values exactly.
    pub fn same(&self, other: &FactValue) -> bool {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => {
                crate::text::normalize(a) == crate::text::normalize(b)
            }
            (Self::Number(a), Self::Number(b)) => a == b,
            (a, b) if a.kind() == "number" && b.kind() == "number" => a.figure() == b.figure(),
            (a, b) => a == b,
        }
    }

    /// The value as a figure, for numbers and figures.
    fn figure(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n as f64),
            Self::Figure(f) => Some(*f),
            _ => None,
        }
    }

    /// How two values of one type are ordered: figures by value, dates by
    /// day; `None` for values that have no order (texts, yes/no, ids) or
    /// are of two types.
    fn order(&self, other: &FactValue) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Self::Date(a), Self::Date(b)) => Some(a.cmp(b)),
            (Self::Instant(a), Self::Instant(b)) => Some(a.cmp(b)),
            (Self::Number(a), Self::Number(b)) => Some(a.cmp(b)),
            (a, b) => a.figure()?.partial_cmp(&b.figure()?),
        }
    }

    /// The type of the value, to tell the types of values apart: numbers
    /// and figures are both `number`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Number(_) | Self::Figure(_) => "number",
            Self::Bool(_) => "bool",
            Self::Date(_) => "date",
            Self::Instant(_) => "instant",
            Self::Text(_) => "text",
            Self::Id(_) => "id",
            Self::List(_) => "list",
        }
    }
}

impl Comparison {
    /// Whether the comparison holds. A missing fact, or one of another type
    /// than the value, never does (not even for `Ne`). Texts are the same
    /// in any case and width, spaces around them aside (`VIP` is `vip`). A
    /// fact that is a list (the choices of a multiple-choice field) is
    /// equal to each of its items: `eq` holds when it holds one, `in` when
    /// it holds one of the list's, `ne` when it holds none.
    /// A comparison stated in a currency holds only for facts in that
    /// currency (the `currency` fact, in any case).
    pub fn holds(&self, facts: &Facts) -> bool {
        if let Some(currency) = &self.currency {
            let same = matches!(facts.get(CURRENCY),
                Some(FactValue::Text(held)) if held.trim().eq_ignore_ascii_case(currency.trim()));
            if !same {
                return false;
            }
        }
        let Some(fact) = facts.get(&self.field) else {
            return false;
        };
        if let FactValue::List(held) = fact {
            let one = |value: &FactValue| held.iter().any(|item| item.same(value));
            return match (self.op, &self.value) {
                (Op::In, FactValue::List(items)) => items.iter().any(one),
                (Op::Eq, value) => one(value),
                (Op::Ne, value) => {
                    held.iter().all(|item| item.kind() == value.kind()) && !one(value)
                }
                _ => false,
            };
        }
        match (self.op, fact, &self.value) {
            (Op::In, _, FactValue::List(items)) => items.iter().any(|item| fact.same(item)),
            (Op::In, _, _) => false,
            (Op::Eq, _, value) => fact.same(value),
            (Op::Ne, _, value) => fact.kind() == value.kind() && !fact.same(value),
            (op, fact, value) => fact.order(value).is_some_and(|order| match op {
                Op::Gt => order.is_gt(),
                Op::Ge => order.is_ge(),
                Op::Lt => order.is_lt(),
                _ => order.is_le(),
            }),
        }
    }

    /// The type of fact this comparison expects, when it can tell.
    pub(super) fn fact_kind(&self) -> Option<&'static str> {
        match (&self.op, &self.value) {
            (Op::In, FactValue::List(items)) => items.first().map(FactValue::kind),
            (_, value) => Some(value.kind()),
        }
    }

    pub(super) fn problem(&self) -> Option<&'static str> {
        if self.field.trim().is_empty() {
            return Some("field_required");
        }
        match (self.op, &self.value) {
            (Op::In, FactValue::List(items)) if items.is_empty() => Some("empty_list"),
            (Op::In, FactValue::List(items)) => {
                if items.iter().any(|item| matches!(item, FactValue::List(_))) {
                    Some("nested_list")
                } else if items.iter().any(|item| item.kind() != items[0].kind()) {
                    Some("mismatched_types")
                } else {
                    None
                }
            }
            (Op::In, _) => Some("in_needs_list"),
            (_, FactValue::List(_)) => Some("list_needs_in"),
            (op, value)
                if op.orders() && !matches!(value.kind(), "number" | "date" | "instant") =>
            {
                Some("order_needs_number")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod comparison_tests {
    use super::*;

    fn on(field: &str, op: Op, value: FactValue) -> Comparison {
        Comparison {
            field: field.into(),
            op,
            value,
            currency: None,
        }
    }

    fn text(value: &str) -> FactValue {
        FactValue::Text(value.into())
    }

    fn facts(field: &str, value: FactValue) -> Facts {
        Facts::from([(field.to_string(), value)])
    }

    #[test]
    fn texts_compare_in_any_case_and_width() {
        let level = facts("level", text("VIP Gold"));
        assert!(on("level", Op::Eq, text("vip gold")).holds(&level));
        assert!(on("level", Op::Eq, text(" ＶＩＰ  gold ")).holds(&level));
        assert!(!on("level", Op::Eq, text("VIP")).holds(&level));
        assert!(!on("level", Op::Ne, text("vip GOLD")).holds(&level));
        assert!(on("level", Op::Ne, text("Silver")).holds(&level));
        let listed = FactValue::List(vec![text("silver"), text("vip gold")]);
        assert!(on("level", Op::In, listed).holds(&level));
        // Ids stay ids: a text of the same digits is another value.
        assert!(!on("owner", Op::Eq, text("7")).holds(&facts("owner", FactValue::Id(7))));
    }

    #[test]
    fn a_list_fact_holds_each_of_its_items() {
        let tags = facts("tags", FactValue::List(vec![text("Export"), text("Rush")]));
        assert!(on("tags", Op::Eq, text("rush")).holds(&tags));
        assert!(!on("tags", Op::Eq, text("Local")).holds(&tags));
        assert!(on("tags", Op::Ne, text("Local")).holds(&tags));
        assert!(!on("tags", Op::Ne, text("export")).holds(&tags));
        let any = FactValue::List(vec![text("Local"), text("EXPORT")]);
        assert!(on("tags", Op::In, any).holds(&tags));
        let none = FactValue::List(vec![text("Local")]);
        assert!(!on("tags", Op::In, none).holds(&tags));
        assert!(!on("tags", Op::Gt, FactValue::Number(1)).holds(&tags));
    }

    #[test]
    fn an_amount_in_a_currency_holds_only_for_records_in_it() {
        let above = Comparison {
            currency: Some("USD".into()),
            ..on("amount", Op::Gt, FactValue::Number(10_000_000))
        };
        let record = |amount: i64, currency: &str| {
            Facts::from([
                ("amount".to_string(), FactValue::Number(amount)),
                (CURRENCY.to_string(), text(currency)),
            ])
        };
        assert!(above.holds(&record(20_000_000, "USD")));
        assert!(above.holds(&record(20_000_000, "usd")));
        assert!(
            !above.holds(&record(20_000_000, "JPY")),
            "yen are not dollars"
        );
        assert!(!above.holds(&record(5_000_000, "USD")));
        assert!(!above.holds(&facts("amount", FactValue::Number(20_000_000))));
        let not = Comparison {
            currency: Some("USD".into()),
            ..on("amount", Op::Ne, FactValue::Number(100))
        };
        assert!(
            !not.holds(&record(500, "JPY")),
            "no currency, no comparison"
        );
        let yen = FactValue::List(vec![text("JPY"), text("KRW")]);
        assert!(on(CURRENCY, Op::In, yen.clone()).holds(&record(1, "JPY")));
        assert!(!on(CURRENCY, Op::In, yen).holds(&record(1, "USD")));
    }
}
