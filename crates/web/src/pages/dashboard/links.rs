//! Where a click on a dashboard figure leads: the list of exactly the
//! records the figure counts — its days, whose records, and for money the
//! currency it is drawn in (a figure in USD lists the records in USD).

use chrono::NaiveDate;

use super::View;

impl View {
    /// The days of the period and whose records, as a list's query; none
    /// when the viewer may see nobody's records of the kind (the figure is 0).
    pub(super) fn drill_query(&self, owners: &Option<Vec<i64>>, dated: bool) -> Option<String> {
        self.drill_query_in(owners, dated, None)
    }

    /// As [`Self::drill_query`], for a money figure: narrowed to the
    /// records in `currency`, those the figure sums and counts.
    pub(super) fn drill_query_in(
        &self,
        owners: &Option<Vec<i64>>,
        dated: bool,
        currency: Option<&str>,
    ) -> Option<String> {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if dated {
            query.append_pair("from", &self.board.from.to_string());
            query.append_pair("to", &self.board.to.to_string());
        }
        if let Some(currency) = currency {
            query.append_pair("currency", currency);
        }
        if let Some(owners) = owners {
            if owners.is_empty() {
                return None;
            }
            for owner in owners {
                query.append_pair("owner_id", &owner.to_string());
            }
        }
        Some(query.finish())
    }

    /// Where the records behind a brief figure are listed: exactly those
    /// the figure counts.
    pub(super) fn link(&self, key: &str) -> Option<String> {
        let owners = &self.board.owners;
        let (path, whose) = match key {
            "new_customers" => ("/customers?", &owners.customers),
            "new_contacts" => ("/contacts?", &owners.contacts),
            "new_opportunities" => ("/opportunities?", &owners.opportunities),
            "contracts_approved" => ("/contracts?status=approved&", &owners.contracts),
            "payments_received" => ("/payments?status=approved&", &owners.payments),
            "follow_ups" => ("/follow-ups?", &owners.follow_ups),
            _ => return None,
        };
        // A money figure is drawn in the dashboard's currency: its list
        // holds the records in it, no others.
        let money = matches!(
            key,
            "new_opportunities" | "contracts_approved" | "payments_received"
        );
        let currency = money.then_some(self.board.currency.as_str());
        self.drill_query_in(whose, true, currency)
            .map(|q| format!("{path}{q}"))
    }

    /// The customers without a follow-up for so many days.
    pub(super) fn forgotten_link(&self, days: &i64) -> Option<String> {
        self.drill_query(&self.board.owners.customers, false)
            .map(|q| format!("/customers?forgotten={days}&{q}"))
    }

    /// The customers whose next contact time has passed.
    pub(super) fn overdue_link(&self) -> Option<String> {
        self.drill_query(&self.board.owners.customers, false)
            .map(|q| format!("/customers?contact_overdue=1&{q}"))
    }

    /// The records behind one person's place in a ranking.
    pub(super) fn ranking_link(
        &self,
        ranking: &kuijing_service::dashboard::Ranking,
        index: &usize,
    ) -> Option<String> {
        let user = ranking.user_ids.get(*index)?;
        let path = match ranking.measure {
            "contract_amount" => "/contracts?status=approved&",
            "payment_amount" => "/payments?status=approved&",
            "new_customers" => "/customers?",
            _ => "/follow-ups?",
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("from", &self.board.from.to_string());
        query.append_pair("to", &self.board.to.to_string());
        query.append_pair("owner_id", &user.to_string());
        if ranking.money {
            query.append_pair("currency", &self.board.currency);
        }
        Some(format!("{path}{}", query.finish()))
    }

    /// The records behind a month's amount of the trend or a target's
    /// achievement: approved contracts signed in the month, or approved
    /// payments received in it (`YYYY-MM`, or `YYYY` for the whole year).
    pub(super) fn month_link(&self, measure: &str, month: &str) -> Option<String> {
        let (first, last) = month_days(month)?;
        self.days_link(measure, first, last)
    }

    /// The approved contracts signed, or payments received, on the days
    /// `first` to `last` (both included) by whose the figure counts.
    pub(super) fn days_link(
        &self,
        measure: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Option<String> {
        let whose = match measure {
            "contract_amount" => &self.board.owners.contracts,
            _ => &self.board.owners.payments,
        };
        self.owners_link(measure, (first, last), whose, &self.board.currency)
    }

    /// The opportunities of a pipeline won (or lost) in the period, by the
    /// owners the funnel counts.
    pub(super) fn closed_link(&self, pipeline: &i64, outcome: &str) -> Option<String> {
        self.drill_query_in(
            &self.board.owners.opportunities,
            true,
            Some(&self.board.currency),
        )
        .map(|q| format!("/opportunities?pipeline_id={pipeline}&outcome={outcome}&closed=1&{q}"))
    }

    /// The open opportunities at a stage of a pipeline.
    pub(super) fn stage_link(&self, pipeline: &i64, stage: &i64) -> Option<String> {
        self.drill_query_in(
            &self.board.owners.opportunities,
            false,
            Some(&self.board.currency),
        )
        .map(|q| format!("/opportunities?pipeline_id={pipeline}&stage_id={stage}&outcome=open&{q}"))
    }
}

/// The first and last day of `YYYY-MM`, or of the year `YYYY`.
fn month_days(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, month) = match month.split_once('-') {
        Some((year, month)) => (year.parse::<i32>().ok()?, Some(month.parse::<u32>().ok()?)),
        None => (month.parse::<i32>().ok()?, None),
    };
    let first = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), 1)?;
    let after = match month {
        Some(12) | None => NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
        Some(m) => NaiveDate::from_ymd_opt(year, m + 1, 1)?,
    };
    Some((first, after.pred_opt()?))
}
