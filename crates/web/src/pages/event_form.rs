//! The event form of the schedule: add, edit, mark done and delete an
//! event, with its participants and reminder.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission};
use kuijing_service::choices::Choice;
use kuijing_service::events::{EventInput, EventPatch, EventView, REMIND_CHOICES};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::forms::{FormErrors, error_page, status_of};
use super::schedule::{PATH, related, today_in};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    all_day: Option<String>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    version: String,
    /// The users taking part, by id.
    #[serde(default)]
    participants: Vec<String>,
    /// Minutes before the start to remind; empty for none.
    #[serde(default)]
    remind: String,
}

/// The start and end an event form gives.
type Times = (DateTime<Utc>, Option<DateTime<Utc>>);
/// The participants and reminder minutes an event form gives.
type People = (Vec<i64>, Option<i64>);

impl EventForm {
    /// The instants typed, read in the company's zone; a bad date or time
    /// is a field error.
    fn times(
        &self,
        zone: chrono_tz::Tz,
    ) -> Result<(DateTime<Utc>, Option<DateTime<Utc>>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let day = kuijing_domain::dates::iso_day(&self.date);
        if day.is_none() {
            errors.add("date", "date_invalid");
        }
        let time = |text: &str| {
            let text = kuijing_domain::dates::half_width_date(text.trim());
            NaiveTime::parse_from_str(&text, "%H:%M").ok()
        };
        let all_day = self.all_day.is_some();
        let start = if all_day || self.start.trim().is_empty() {
            Some(NaiveTime::MIN)
        } else {
            time(&self.start)
        };
        if start.is_none() {
            errors.add("start", "date_invalid");
        }
        let end = match self.end.trim() {
            "" => None,
            _ if all_day => None,
            text => {
                let end = time(text);
                if end.is_none() {
                    errors.add("ends_at", "date_invalid");
                }
                end
            }
        };
        errors.into_result()?;
        let (Some(day), Some(start)) = (day, start) else {
            return Err(FieldErrors::from(FieldError::new("date", "date_invalid")));
        };
        let at = |t: NaiveTime| {
            zone.from_local_datetime(&day.and_time(t))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        let starts_at = at(start).ok_or_else(|| FieldError::new("start", "date_invalid"))?;
        Ok((starts_at, end.and_then(at)))
    }

    /// The participants and reminder chosen; a value no choice gives is a
    /// field error.
    fn people(&self) -> Result<People, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut participants = Vec::new();
        for id in &self.participants {
            match id.trim().parse::<i64>() {
                Ok(id) if !participants.contains(&id) => participants.push(id),
                Ok(_) => {}
                Err(_) => {
                    errors.add("participants", "invalid_choice");
                    break;
                }
            }
        }
        let remind = match self.remind.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(minutes) => Some(minutes),
                Err(_) => {
                    errors.add("remind_minutes", "invalid_choice");
                    None
                }
            },
        };
        errors.into_result()?;
        Ok((participants, remind))
    }

    /// Both the times and the people, with every field error at once.
    fn read(&self, zone: chrono_tz::Tz) -> Result<(Times, People), FieldErrors> {
        match (self.times(zone), self.people()) {
            (Ok(times), Ok(people)) => Ok((times, people)),
            (Err(mut a), Err(b)) => {
                a.0.extend(b.0);
                Err(a)
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    fn of(event: &EventView, zone: chrono_tz::Tz) -> Self {
        let e = &event.event;
        let local = e.starts_at.with_timezone(&zone);
        Self {
            title: e.title.clone(),
            date: local.format("%Y-%m-%d").to_string(),
            start: if e.all_day {
                String::new()
            } else {
                local.format("%H:%M").to_string()
            },
            end: e
                .ends_at
                .filter(|_| !e.all_day)
                .map(|t| t.with_timezone(&zone).format("%H:%M").to_string())
                .unwrap_or_default(),
            all_day: e.all_day.then(|| "1".into()),
            notes: e.notes.clone().unwrap_or_default(),
            version: e.version.to_string(),
            participants: event
                .participants
                .iter()
                .map(|p| p.id.to_string())
                .collect(),
            remind: e.remind_minutes.map(|m| m.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct EventPage {
    shell: Shell,
    form: EventForm,
    errors: FormErrors,
    /// The event being edited.
    event: Option<EventView>,
    can_edit: bool,
    can_delete: bool,
    /// Who may take part: the other active users.
    people: Vec<Choice>,
}

impl EventPage {
    /// Whether the user may change what the form shows: a new event, or
    /// one of their own.
    fn editable(&self) -> bool {
        match &self.event {
            Some(e) => e.mine && self.can_edit,
            None => true,
        }
    }

    fn chosen(&self, id: &i64) -> bool {
        self.form.participants.iter().any(|p| *p == id.to_string())
    }

    /// The reminder choices: value and label.
    fn reminders(&self) -> Vec<(String, String)> {
        let none = (String::new(), self.shell.t("life4.remind.none"));
        std::iter::once(none)
            .chain(REMIND_CHOICES.iter().map(|m| {
                (
                    m.to_string(),
                    self.shell.tk("life4.remind", &format!("m{m}")),
                )
            }))
            .collect()
    }

    /// The reminder as words, for a read-only view.
    fn reminder_label(&self) -> String {
        self.reminders()
            .into_iter()
            .find(|(value, _)| *value == self.form.remind)
            .map(|(_, label)| label)
            .unwrap_or_default()
    }

    fn action(&self) -> String {
        match &self.event {
            Some(e) => format!("{PATH}/{}", e.event.id),
            None => PATH.to_string(),
        }
    }

    fn back(&self) -> String {
        format!("{PATH}?view=day&date={}", self.form.date)
    }

    fn related(&self) -> Option<(String, String)> {
        self.event.as_ref().and_then(related)
    }

    fn zone_hint(&self) -> String {
        self.shell
            .t("customers.zone_hint")
            .replace("%{zone}", self.shell.zone.name())
    }
}

async fn event_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (form, event): (EventForm, Option<EventView>),
    errors: FormErrors,
) -> EventPage {
    let people = state
        .app
        .user_choices(caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|(id, _)| *id != caller.user.id)
        .collect();
    let mut shell = Shell::new(state, caller, lang, PATH, "schedule.title");
    shell.title = match &event {
        Some(e) => e.event.title.clone(),
        None => lang.t("schedule.new_event"),
    };
    EventPage {
        shell,
        form,
        errors,
        event,
        can_edit: caller.can(Permission::new(Kind::Event, Action::Edit)),
        can_delete: caller.can(Permission::new(Kind::Event, Action::Delete)),
        people,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    date: String,
}

pub async fn new_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewQuery>,
) -> Response {
    if !caller.can(Permission::new(Kind::Event, Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let zone = state.app.time_zone();
    let date = kuijing_domain::dates::iso_day(&query.date)
        .unwrap_or_else(|| today_in(zone, state.app.now()));
    let form = EventForm {
        date: date.format("%Y-%m-%d").to_string(),
        start: "09:00".into(),
        ..EventForm::default()
    };
    let page = event_page(&state, &caller, lang, (form, None), FormErrors::default()).await;
    render(&page, StatusCode::OK)
}

pub async fn create_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<EventForm>,
) -> Response {
    let result = match form.read(state.app.time_zone()) {
        Ok(((starts_at, ends_at), (participants, remind_minutes))) => {
            let input = EventInput {
                title: form.title.clone(),
                starts_at,
                ends_at,
                all_day: form.all_day.is_some(),
                notes: Some(form.notes.clone()).filter(|n| !n.trim().is_empty()),
                participants,
                remind_minutes,
                ..EventInput::default()
            };
            state.app.create_event(&caller, input).await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(event) => back_to_day(&state, &event, "event_saved"),
        Err(error) => refused(&state, &caller, lang, (form, None), error).await,
    }
}

pub async fn edit_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.get_event(&caller, id).await {
        Ok(event) => {
            let form = EventForm::of(&event, state.app.time_zone());
            let page = event_page(
                &state,
                &caller,
                lang,
                (form, Some(event)),
                FormErrors::default(),
            )
            .await;
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn update_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<EventForm>,
) -> Response {
    let current = match state.app.get_event(&caller, id).await {
        Ok(current) => current,
        Err(error) => return error_page(error, &caller, lang),
    };
    let result = match form.read(state.app.time_zone()) {
        Ok(((starts_at, ends_at), (participants, remind_minutes))) => {
            let patch = EventPatch {
                version: form.version.parse().ok(),
                title: Some(form.title.clone()),
                starts_at: Some(starts_at),
                ends_at: Some(ends_at),
                all_day: Some(form.all_day.is_some()),
                notes: Some(Some(form.notes.clone()).filter(|n| !n.trim().is_empty())),
                done: None,
                participants: Some(participants),
                remind_minutes: Some(remind_minutes),
            };
            state.app.update_event(&caller, id, patch).await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(event) => back_to_day(&state, &event, "event_saved"),
        Err(error) => refused(&state, &caller, lang, (form, Some(current)), error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    done: String,
}

pub async fn mark_done(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<DoneForm>,
) -> Response {
    let patch = EventPatch {
        done: Some(form.done != "false"),
        ..EventPatch::default()
    };
    match state.app.update_event(&caller, id, patch).await {
        Ok(event) => back_to_day(&state, &event, "event_done"),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn delete_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let event = match state.app.get_event(&caller, id).await {
        Ok(event) => event,
        Err(error) => return error_page(error, &caller, lang),
    };
    match state.app.delete_event(&caller, id).await {
        Ok(()) => back_to_day(&state, &event, "event_deleted"),
        Err(error) => error_page(error, &caller, lang),
    }
}

/// The day of the event, with a confirmation.
fn back_to_day(state: &AppState, event: &EventView, what: &str) -> Response {
    let day = event
        .event
        .starts_at
        .with_timezone(&state.app.time_zone())
        .format("%Y-%m-%d");
    Redirect::to(&format!("{PATH}?view=day&date={day}&done={what}")).into_response()
}

/// The form again with what was typed and why it was refused.
async fn refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (form, event): (EventForm, Option<EventView>),
    error: ServiceError,
) -> Response {
    match FormErrors::from_service(&error, lang) {
        Some(errors) => {
            let status = status_of(&error);
            render(
                &event_page(state, caller, lang, (form, event), errors).await,
                status,
            )
        }
        None => error_page(error, caller, lang),
    }
}
