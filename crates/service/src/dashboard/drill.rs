//! The records behind a dashboard figure: what a click on a number lists.

use super::*;

/// The records behind a dashboard figure, as a list narrows to them: the
/// days of the period (both included, in the company's zone) and whose
/// records (authors for follow-ups). Empty narrows nothing. Contracts are
/// narrowed by the day they were signed on, the one day every figure counts
/// them on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct Drill {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub owner_ids: Vec<i64>,
    /// Opportunities only: the days are those they were won or lost on
    /// (the funnel's won and lost figures), not those they were created on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
    /// Contracts, payments and opportunities only: those in this currency,
    /// as a money figure in it sums them (the dashboard draws every amount
    /// in one currency and names the others apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl Drill {
    /// The owners to narrow to, within those a list already narrows to.
    pub(crate) fn owners(&self, already: Option<Vec<i64>>) -> Option<Vec<i64>> {
        match (already, self.owner_ids.is_empty()) {
            (already, true) => already,
            (None, false) => Some(self.owner_ids.clone()),
            (Some(mine), false) => Some(
                mine.into_iter()
                    .filter(|id| self.owner_ids.contains(id))
                    .collect(),
            ),
        }
    }

    /// The currency to narrow to, as the records keep it (upper case);
    /// none when blank.
    pub(crate) fn currency(&self) -> Option<String> {
        self.currency
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
    }

    /// The days `[from, to)`.
    pub(crate) fn days(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (self.from, self.to.map(|d| d + chrono::Duration::days(1)))
    }

    /// The narrowing as a record list's conditions (customers, leads,
    /// contacts): created on these days, of these owners.
    pub fn filters(&self) -> Vec<crate::list_filters::FilterInput> {
        let mut filters = Vec::new();
        if self.from.is_some() || self.to.is_some() {
            let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            filters.push(crate::list_filters::FilterInput {
                field: "created_at".into(),
                op: "between".into(),
                value: Some(serde_json::json!({"from": day(self.from), "to": day(self.to)})),
            });
        }
        if !self.owner_ids.is_empty() {
            filters.push(crate::list_filters::FilterInput {
                field: "owner_id".into(),
                op: "one_of".into(),
                value: Some(serde_json::json!(self.owner_ids)),
            });
        }
        filters
    }
}

/// Whose records each figure of the dashboard counts (`None`: everyone's),
/// so a click lists exactly those.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DrillOwners {
    pub customers: Option<Vec<i64>>,
    pub contacts: Option<Vec<i64>>,
    pub opportunities: Option<Vec<i64>>,
    pub contracts: Option<Vec<i64>>,
    pub payments: Option<Vec<i64>>,
    pub follow_ups: Option<Vec<i64>>,
}
