//! The dashboard page: whose data and which period, the sales brief, the
//! targets, the funnels, the trend and the lists of customers to look after.

mod compared;
mod left_out;
mod links;
mod targets;

use targets::target_chart;
pub(crate) use targets::{left_out_note, uncounted_note};

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use kuijing_service::Caller;
use kuijing_service::choices::Choice;
use kuijing_service::dashboard::{Dashboard, DashboardQuery, Figure};
use serde::Deserialize;

use super::Shell;
use super::forms::{FormErrors, INVALID, answer, error_page, optional_number, optional_text};
use crate::AppState;
use crate::api::day_of;
use crate::auth::PageUser;
use crate::charts::{self, Group};
use crate::error::name_insight_fields;
use crate::extract::Params;
use crate::i18n::Lang;
use kuijing_domain::FieldErrors;
use kuijing_service::ServiceError;

/// Whose data and which period, as the dashboard's and the reports'
/// pickers send them (a report adds its grouping and pipeline).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Query {
    #[serde(default)]
    pub(crate) by: String,
    #[serde(default)]
    pub(crate) pipeline_id: String,
    /// The target report's measure.
    #[serde(default)]
    pub(crate) measure: String,
    #[serde(default)]
    pub(crate) format: String,
    #[serde(default)]
    pub(crate) period: String,
    #[serde(default, deserialize_with = "folded_day")]
    pub(crate) from: String,
    #[serde(default, deserialize_with = "folded_day")]
    pub(crate) to: String,
    #[serde(default)]
    pub(crate) scope: String,
    #[serde(default)]
    pub(crate) department_id: String,
    #[serde(default)]
    pub(crate) only_department: String,
    /// The API's name for the opposite of `only_department`:
    /// `with_children=false` is the department without those below it.
    #[serde(default)]
    pub(crate) with_children: String,
    #[serde(default)]
    pub(crate) user_id: Vec<String>,
    /// What the action that led here did (`saved`).
    #[serde(default)]
    pub(crate) done: String,
}

/// A day as typed, full-width digits and marks folded, so that the date
/// boxes show again what was read (`２０１７－０１－０１` is 2017-01-01).
fn folded_day<'de, D: serde::Deserializer<'de>>(text: D) -> Result<String, D::Error> {
    let text = String::deserialize(text)?;
    Ok(kuijing_domain::dates::half_width_date(text.trim()))
}

impl Query {
    /// Whose data and which period as the service takes them; a day that
    /// is not a date is a field error naming it.
    pub(crate) fn service(&self) -> Result<DashboardQuery, ServiceError> {
        // A day that is not a date is reported with every other refusal.
        let mut errors = FieldErrors::new();
        let from = errors.take("from", day_of(Some(&self.from))).flatten();
        let to = errors.take("to", day_of(Some(&self.to))).flatten();
        errors.take("only_department", flag(&self.only_department));
        errors.take("with_children", flag(&self.with_children));
        Ok(DashboardQuery {
            unread: errors.0,
            period: optional_text(&self.period),
            from,
            to,
            scope: optional_text(&self.scope),
            department_id: optional_number(&self.department_id),
            with_children: Some(!self.only_department()),
            user_ids: self
                .user_id
                .iter()
                .filter_map(|u| optional_number(u))
                .collect(),
        })
    }

    /// Whether the department is shown without those below it, asked by
    /// the page's box (`only_department`) or by the API's
    /// `with_children=false`.
    pub(crate) fn only_department(&self) -> bool {
        flag(&self.only_department) == Ok(Some(true))
            || flag(&self.with_children) == Ok(Some(false))
    }

    pub(crate) fn chosen(&self, id: &i64) -> bool {
        self.user_id.iter().any(|u| *u == id.to_string())
    }
}

pub(crate) const PERIODS: [&str; 11] = [
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
    "custom",
];

#[derive(Template)]
#[template(path = "dashboard.html")]
struct View {
    shell: Shell,
    query: Query,
    filter_action: String,
    board: Dashboard,
    departments: Vec<Choice>,
    people: Vec<Choice>,
    /// What "whose data: all" gives this viewer (`company`, `department`, `team`, `own`).
    whole: &'static str,
    trend_chart: String,
    funnel_charts: Vec<String>,
    /// Per target measure, its monthly chart of target against achieved.
    target_charts: Vec<String>,
}

/// What the "whose data and which period" form asks of a page.
pub(crate) trait Picker {
    fn picked(&self) -> &Query;

    fn periods(&self) -> [&'static str; 11] {
        PERIODS
    }

    fn period(&self) -> &str {
        let query = self.picked();
        if query.period.is_empty() {
            "this_month"
        } else {
            &query.period
        }
    }

    fn is_period(&self, period: &str) -> bool {
        self.period() == period
    }

    /// The message beside a picker's field when the choice was refused.
    fn field_error(&self, _field: &str) -> Option<String> {
        None
    }
}

/// The pickers again, with the message beside the field, when whose data
/// or the period could not be shown (no one chosen, the last day before
/// the first, a period over ten years).
#[derive(Template)]
#[template(path = "insight_refused.html")]
pub(crate) struct Refused {
    shell: Shell,
    query: Query,
    filter_action: String,
    departments: Vec<Choice>,
    people: Vec<Choice>,
    /// What "whose data: all" gives this viewer.
    whole: &'static str,
    errors: FormErrors,
    /// The report's name, for its crumbs; none on the dashboard.
    title: Option<String>,
    /// What the page's other choices were (a report's grouping, pipeline).
    keep: Vec<(&'static str, String)>,
}

impl Picker for Refused {
    fn picked(&self) -> &Query {
        &self.query
    }

    fn field_error(&self, field: &str) -> Option<String> {
        self.errors.get(field).cloned()
    }
}

/// A dashboard or report page: the page built, or — when the pickers'
/// choice was refused — the pickers again with the messages beside them.
pub(crate) async fn insight_answer(
    state: &AppState,
    (caller, lang): (&Caller, Lang),
    built: Result<Response, ServiceError>,
    query: Query,
    (filter_action, title): (String, Option<String>),
) -> Response {
    let error = match built {
        Ok(page) => return page,
        Err(error) => name_insight_fields(error, lang),
    };
    let Some(errors) = FormErrors::from_service(&error, lang)
        .filter(|_| matches!(error, ServiceError::Invalid(_)))
    else {
        return error_page(error, caller, lang);
    };
    let (active, title_key) = if title.is_some() {
        ("/reports", "reports.title")
    } else {
        ("/dashboard", "dashboard.title")
    };
    let keep = [
        ("by", &query.by),
        ("pipeline_id", &query.pipeline_id),
        ("measure", &query.measure),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect();
    let refused = async {
        let (departments, people) = state.app.insight_choices(caller).await?;
        Ok(Refused {
            departments,
            people,
            whole: state.app.insight_whole(caller).await?,
            shell: Shell::new(state, caller, lang, active, title_key),
            query,
            filter_action,
            errors,
            title,
            keep,
        })
    };
    answer(refused.await, INVALID, caller, lang)
}

impl Picker for View {
    fn picked(&self) -> &Query {
        &self.query
    }
}

impl View {
    fn amounts(&self, figure: &Figure) -> String {
        self.figure(figure, &true)
    }

    /// A figure as the brief shows it: money in the company's currency
    /// (a note names what is in others), or a count.
    fn figure(&self, figure: &Figure, money: &bool) -> String {
        if !*money {
            return figure.count.to_string();
        }
        self.shell.money(
            &figure.amount_in(&self.board.currency),
            &self.board.currency,
        )
    }

    fn main_money(&self, amount: &i64) -> String {
        self.shell.money(amount, &self.board.currency)
    }

    /// A change in tenths of a percent, written as the reports write rates
    /// (▲ 12.5%).
    fn change(&self, change: &Option<i64>) -> (String, &'static str) {
        let text = |c: i64| self.rate_text(&Some(c));
        match change {
            None => ("—".into(), "flat"),
            Some(c) if *c > 0 => (format!("▲ {}", text(*c)), "up"),
            Some(c) if *c < 0 => (format!("▼ {}", text(c.abs())), "down"),
            Some(_) => (text(0), "flat"),
        }
    }

    /// A stage's win rate, in tenths of a percent.
    fn win_rate_text(&self, rate: &i64) -> String {
        self.rate_text(&Some(*rate))
    }

    /// A month as the trend's chart names it, in the reader's language:
    /// "Jan 2017", "2017年1月".
    fn month_label(&self, year: &i32, month: &u32) -> String {
        let names = self.shell.t("charts_fix.months");
        let names: Vec<&str> = names.split(',').map(str::trim).collect();
        let name = match names.get((*month as usize).wrapping_sub(1)) {
            Some(name) if names.len() == 12 => (*name).to_string(),
            _ => month.to_string(),
        };
        self.shell
            .t("insight_fix9.month_of")
            .replace("%{year}", &year.to_string())
            .replace("%{month}", &name)
    }

    /// A trend month (`YYYY-MM`) named as [`Self::month_label`] names it.
    fn trend_month(&self, month: &str) -> String {
        match month.split_once('-') {
            Some((year, number)) => match (year.parse::<i32>(), number.parse::<u32>()) {
                (Ok(year), Ok(number)) => self.month_label(&year, &number),
                _ => month.to_string(),
            },
            None => month.to_string(),
        }
    }

    /// An amount in the main currency for a table: thousands grouped, the
    /// currency said once in the heading.
    fn grouped(&self, amount: &i64) -> String {
        self.grouped_in(amount, &self.board.currency)
    }

    /// As [`Self::grouped`], in the decimals of `currency`: `1,000` in yen.
    fn grouped_in(&self, amount: &i64, currency: &str) -> String {
        kuijing_domain::money::format_in(*amount, currency)
    }

    /// A rate in tenths of a percent, written as the reports write theirs
    /// (97.6%).
    fn rate_text(&self, rate: &Option<i64>) -> String {
        super::reports::format_value(*rate, kuijing_service::reports::Unit::Percent, None)
    }

    /// How far a progress bar reaches for a rate in tenths: 0 to 100%.
    fn progress(&self, rate: &i64) -> i64 {
        (rate / 10).clamp(0, 100)
    }

    fn ranking_value(&self, value: &i64, money: &bool) -> String {
        if *money {
            self.main_money(value)
        } else {
            value.to_string()
        }
    }

    /// When the period holds nothing: the latest day a contract was signed
    /// in the same scope, with the dashboard of its month and of its year
    /// (whose data kept).
    fn look_there(&self) -> Option<(String, String, String)> {
        let day = self.board.latest_signed?;
        let link = |from: NaiveDate, to: NaiveDate| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("period", "custom");
            query.append_pair("from", &from.to_string());
            query.append_pair("to", &to.to_string());
            let picked = &self.query;
            for (key, value) in [
                ("scope", &picked.scope),
                ("department_id", &picked.department_id),
            ] {
                if !value.is_empty() {
                    query.append_pair(key, value);
                }
            }
            if picked.only_department() {
                query.append_pair("only_department", "1");
            }
            for user in &picked.user_id {
                query.append_pair("user_id", user);
            }
            format!("/dashboard?{}", query.finish())
        };
        let month = day.with_day(1)?;
        let month_end = month
            .checked_add_months(chrono::Months::new(1))?
            .pred_opt()?;
        let year = NaiveDate::from_ymd_opt(day.year(), 1, 1)?;
        let year_end = NaiveDate::from_ymd_opt(day.year(), 12, 31)?;
        Some((
            self.shell.date(&day),
            link(month, month_end),
            link(year, year_end),
        ))
    }

    /// The trend's four series, each named with the years its months fall
    /// in: the period's for contracts and payments, a year earlier for the
    /// months beside them.
    fn trend_names(&self) -> Vec<String> {
        let year = |m: Option<&kuijing_service::dashboard::TrendMonth>, back: i32| {
            m.and_then(|m| m.month.get(..4))
                .and_then(|y| y.parse::<i32>().ok())
                .map(|y| y - back)
        };
        let years = |back: i32| match (
            year(self.board.trend.first(), back),
            year(self.board.trend.last(), back),
        ) {
            (Some(first), Some(last)) if first != last => Some(format!("{first}–{last}")),
            (Some(first), _) => Some(first.to_string()),
            _ => None,
        };
        [
            ("dashboard.contracts", 0),
            ("dashboard.year_before", 1),
            ("dashboard.payments", 0),
            ("dashboard.payments_year_before", 1),
        ]
        .iter()
        .map(|(key, back)| match years(*back) {
            Some(years) => self
                .shell
                .t("insight_fix.with_years")
                .replace("%{name}", &self.shell.t(key))
                .replace("%{years}", &years),
            None => self.shell.t(key),
        })
        .collect()
    }

    /// A month's row of the trend table: contracts, contracts a year
    /// earlier, payments, payments a year earlier, each with its link.
    fn trend_cells(
        &self,
        m: &kuijing_service::dashboard::TrendMonth,
    ) -> [(Option<String>, i64); 4] {
        let before = match m.month.split_once('-') {
            Some((year, rest)) => year
                .parse::<i32>()
                .map(|year| format!("{:04}-{rest}", year - 1))
                .unwrap_or_default(),
            None => String::new(),
        };
        [
            (self.month_link("contract_amount", &m.month), m.contracts),
            (
                self.month_link("contract_amount", &before),
                m.contracts_year_before,
            ),
            (self.month_link("payment_amount", &m.month), m.payments),
            (
                self.month_link("payment_amount", &before),
                m.payments_year_before,
            ),
        ]
    }
}

async fn view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: Query,
) -> Result<View, kuijing_service::ServiceError> {
    let board = state.app.dashboard(caller, &query.service()?).await?;
    let shell = Shell::new(state, caller, lang, "/dashboard", "dashboard.title");
    // Months named short with their year under the first and each
    // January, as the reports name them.
    let mut groups: Vec<Group> = board
        .trend
        .iter()
        .map(|m| Group {
            label: m.month.clone(),
            note: None,
            values: vec![
                m.contracts,
                m.contracts_year_before,
                m.payments,
                m.payments_year_before,
            ],
            titles: vec![
                format!(
                    "{} {}: {}",
                    m.month,
                    shell.t("dashboard.contracts"),
                    shell.money(&m.contracts, &board.currency)
                ),
                format!(
                    "{} {}: {}",
                    m.month,
                    shell.t("dashboard.year_before"),
                    shell.money(&m.contracts_year_before, &board.currency)
                ),
                format!(
                    "{} {}: {}",
                    m.month,
                    shell.t("dashboard.payments"),
                    shell.money(&m.payments, &board.currency)
                ),
                format!(
                    "{} {}: {}",
                    m.month,
                    shell.t("dashboard.payments_year_before"),
                    shell.money(&m.payments_year_before, &board.currency)
                ),
            ],
        })
        .collect();
    super::reports::name_months(&mut groups, &shell);
    let trend_chart = charts::grouped_bars(
        &groups,
        &[
            "contracts",
            "year_before",
            "payments",
            "payments_year_before",
        ],
        &shell.t("dashboard.trend"),
        &charts::Axis::money(4),
    );
    let funnel_charts = board
        .funnels
        .iter()
        .map(|f| {
            let stages: Vec<(String, i64, String)> = f
                .stages
                .iter()
                .map(|s| {
                    (
                        s.name.clone(),
                        s.count,
                        // The currency is said once, beside the funnel's title.
                        format!(
                            "{} · {}",
                            s.count,
                            kuijing_domain::money::format_in(s.amount, &board.currency)
                        ),
                    )
                })
                .collect();
            charts::funnel(&stages, &f.name)
        })
        .collect();
    let target_charts = board
        .targets
        .iter()
        .map(|t| target_chart(t, &shell, &t.currency))
        .collect();
    let (departments, people) = state.app.insight_choices(caller).await?;
    Ok(View {
        departments,
        people,
        whole: state.app.insight_whole(caller).await?,
        shell,
        query,
        filter_action: "/dashboard".into(),
        board,
        trend_chart,
        funnel_charts,
        target_charts,
    })
}

pub async fn show_dashboard(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<Query>,
) -> Response {
    let built = view(&state, &caller, lang, query.clone())
        .await
        .map(|page| super::render(&page, StatusCode::OK));
    insight_answer(
        &state,
        (&caller, lang),
        built,
        query,
        ("/dashboard".into(), None),
    )
    .await
}

/// A yes-or-no parameter of the address: empty when not given; `1`, `true`,
/// `yes`, `on` and their opposites read, anything else refused.
fn flag(text: &str) -> Result<Option<bool>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    crate::query_params::yes_no(text)
        .map(Some)
        .ok_or("import_yes_no")
}
