//! The schedule: month, week and day views of the user's own events and
//! next contacts (a phone shows them as a list of days), a click on a day
//! to add an event, and the event form with done and delete.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::events::{EventView, Schedule};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::answer;
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

pub(super) const PATH: &str = "/schedule";
/// The weekdays from Monday, as the locale names them.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Entries a day of the month shows before "more".
const MONTH_CELL: usize = 3;

#[derive(Debug, Default, Deserialize)]
pub struct ScheduleQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    date: String,
    done: Option<String>,
}

/// Which view and which day it centres on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Month,
    Week,
    Day,
}

impl View {
    fn parse(text: &str) -> Self {
        match text {
            "week" => Self::Week,
            "day" => Self::Day,
            _ => Self::Month,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Week => "week",
            Self::Day => "day",
        }
    }

    /// The first day shown and how many days.
    fn range(self, day: NaiveDate) -> (NaiveDate, i64) {
        let monday = |d: NaiveDate| d - Duration::days(d.weekday().num_days_from_monday().into());
        match self {
            Self::Month => (monday(day.with_day(1).unwrap_or(day)), 42),
            Self::Week => (monday(day), 7),
            Self::Day => (day, 1),
        }
    }

    /// The day the previous and the next step land on.
    fn step(self, day: NaiveDate, forward: bool) -> NaiveDate {
        let sign = if forward { 1 } else { -1 };
        match self {
            Self::Month => {
                let first = day.with_day(1).unwrap_or(day);
                if forward {
                    first + Duration::days(32)
                } else {
                    first - Duration::days(1)
                }
                .with_day(1)
                .unwrap_or(first)
            }
            Self::Week => day + Duration::days(7 * sign),
            Self::Day => day + Duration::days(sign),
        }
    }
}

/// One entry of a day: an event or a next contact.
pub struct Entry {
    /// `09:30`, or empty for a whole day.
    pub time: String,
    pub title: String,
    /// `event`, `next-contact`, `record-contact`, and `done` when done.
    pub class: String,
    pub href: String,
    /// The record it is about: address and name.
    pub related: Option<(String, String)>,
    /// The event's id and whether it is done, for the day view's buttons.
    pub event: Option<(i64, bool)>,
}

pub struct Day {
    pub date: NaiveDate,
    pub in_month: bool,
    pub today: bool,
    pub entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "schedule.html")]
struct SchedulePage {
    shell: Shell,
    view: &'static str,
    date: NaiveDate,
    heading: String,
    days: Vec<Day>,
    prev: String,
    next: String,
    today: String,
    can_create: bool,
    can_edit: bool,
    can_delete: bool,
}

impl SchedulePage {
    fn weekdays(&self) -> Vec<String> {
        WEEKDAYS
            .iter()
            .map(|d| self.shell.tk("schedule.weekdays", d))
            .collect()
    }

    fn weekday(&self, day: &NaiveDate) -> String {
        self.shell.tk(
            "schedule.weekdays",
            WEEKDAYS[day.weekday().num_days_from_monday() as usize],
        )
    }

    fn iso(&self, day: &NaiveDate) -> String {
        day.format("%Y-%m-%d").to_string()
    }

    fn href(&self, view: &str, day: &NaiveDate) -> String {
        format!("{PATH}?view={view}&date={}", self.iso(day))
    }

    /// The entries a month cell shows, and how many more the day holds.
    fn first_entries<'a>(&self, day: &'a Day) -> (&'a [Entry], usize) {
        let shown = day.entries.len().min(MONTH_CELL);
        (&day.entries[..shown], day.entries.len() - shown)
    }

    fn more(&self, n: &usize) -> String {
        self.shell.tn("schedule.more", n)
    }

    fn add_label(&self, day: &NaiveDate) -> String {
        self.shell
            .t("schedule.add_on")
            .replace("%{date}", &self.iso(day))
    }

    /// The days a phone lists: those with entries, and today.
    fn agenda(&self) -> Vec<&Day> {
        self.days
            .iter()
            .filter(|d| (d.in_month && (!d.entries.is_empty() || d.today)) || self.view == "day")
            .collect()
    }
}

pub(super) fn today_in(zone: chrono_tz::Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// Midnight of a day in the company's zone, as an instant.
fn start_of(zone: chrono_tz::Tz, day: NaiveDate) -> DateTime<Utc> {
    zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)))
}

pub async fn show_schedule(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ScheduleQuery>,
) -> Response {
    answer(
        schedule_page(&state, &caller, lang, &query).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

async fn schedule_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: &ScheduleQuery,
) -> Result<SchedulePage, ServiceError> {
    let zone = state.app.time_zone();
    let today = today_in(zone, state.app.now());
    let view = View::parse(&query.view);
    let date = kuijing_domain::dates::iso_day(&query.date).unwrap_or(today);
    let (first, count) = view.range(date);
    let from = start_of(zone, first);
    let to = start_of(zone, first + Duration::days(count));
    let schedule = state.app.schedule(caller, from, to).await?;
    let shell =
        Shell::new(state, caller, lang, PATH, "schedule.title").with_notice(query.done.as_deref());
    let days = lay_out(&shell, zone, (first, count), (date, today), schedule);
    let heading = match view {
        View::Month => shell
            .t("schedule.month_title")
            .replace("%{year}", &date.year().to_string())
            .replace(
                "%{month}",
                &shell.tk("schedule.months", &format!("m{}", date.month())),
            ),
        View::Week => format!(
            "{} – {}",
            first.format("%Y-%m-%d"),
            (first + Duration::days(6)).format("%Y-%m-%d")
        ),
        View::Day => date.format("%Y-%m-%d").to_string(),
    };
    let link = |day: NaiveDate| {
        format!(
            "{PATH}?view={}&date={}",
            view.as_str(),
            day.format("%Y-%m-%d")
        )
    };
    Ok(SchedulePage {
        view: view.as_str(),
        prev: link(view.step(date, false)),
        next: link(view.step(date, true)),
        today: link(today),
        heading,
        days,
        date,
        can_create: caller.can(Permission::new(Kind::Event, Action::Create)),
        can_edit: caller.can(Permission::new(Kind::Event, Action::Edit)),
        can_delete: caller.can(Permission::new(Kind::Event, Action::Delete)),
        shell,
    })
}

/// Puts the events and next contacts on their days, in time order, whole
/// days first.
fn lay_out(
    shell: &Shell,
    zone: chrono_tz::Tz,
    (first, count): (NaiveDate, i64),
    (date, today): (NaiveDate, NaiveDate),
    schedule: Schedule,
) -> Vec<Day> {
    let mut days: Vec<Day> = (0..count)
        .map(|i| {
            let day = first + Duration::days(i);
            Day {
                date: day,
                in_month: count != 42 || day.month() == date.month(),
                today: day == today,
                entries: Vec::new(),
            }
        })
        .collect();
    let mut placed: Vec<(NaiveDate, DateTime<Utc>, bool, Entry)> = Vec::new();
    for view in schedule.events {
        let e = &view.event;
        let local = e.starts_at.with_timezone(&zone);
        let mut class = if e.next_contact {
            "next-contact".to_string()
        } else {
            "event".to_string()
        };
        if !view.mine {
            // Another user's event the user takes part in: read only.
            class.push_str(" shared");
        }
        if e.done {
            class.push_str(" done");
        }
        let title = if e.next_contact {
            shell
                .t("schedule.contact_title")
                .replace("%{name}", view.related_name.as_deref().unwrap_or(&e.title))
        } else {
            e.title.clone()
        };
        placed.push((
            local.date_naive(),
            e.starts_at,
            e.all_day,
            Entry {
                time: if e.all_day {
                    String::new()
                } else {
                    local.format("%H:%M").to_string()
                },
                title,
                class,
                href: format!("{PATH}/{}", e.id),
                related: related(&view),
                event: view.mine.then_some((e.id, e.done)),
            },
        ));
    }
    for n in schedule.next_contacts {
        let local = n.at.with_timezone(&zone);
        let href = record_href(&n.kind, n.id);
        placed.push((
            local.date_naive(),
            n.at,
            false,
            Entry {
                time: local.format("%H:%M").to_string(),
                title: shell
                    .t("schedule.contact_title")
                    .replace("%{name}", &n.name),
                class: "record-contact".into(),
                href: href.clone(),
                related: Some((href, n.name)),
                event: None,
            },
        ));
    }
    placed.sort_by_key(|(_, at, all_day, _)| (!*all_day, *at));
    for (day, _, _, entry) in placed {
        if let Some(slot) = days.iter_mut().find(|d| d.date == day) {
            slot.entries.push(entry);
        }
    }
    days
}

fn record_href(kind: &str, id: i64) -> String {
    match kind {
        "lead" => format!("/leads/{id}"),
        "opportunity" => format!("/opportunities/{id}"),
        "contract" => format!("/contracts/{id}"),
        _ => format!("/customers/{id}"),
    }
}

pub(super) fn related(view: &EventView) -> Option<(String, String)> {
    let kind = view.event.related_kind.as_deref()?;
    let id = view.event.related_id?;
    let name = view.related_name.clone()?;
    // Contacts have no page of their own here; their customer's shows them.
    (kind != "contact").then(|| (record_href(kind, id), name))
}
