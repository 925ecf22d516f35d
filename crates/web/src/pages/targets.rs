//! The targets page: a holder (the company, a department or a user) and a
//! year, with a target per month and for the whole year, per measure.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use chrono::Datelike;
use kuijing_domain::money;
use kuijing_service::choices::Choice;
use kuijing_service::dashboard::{TargetAmount, TargetsInput};
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::{FormErrors, after_post, answer, optional_number};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
pub struct Query {
    #[serde(default)]
    year: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    currency: String,
    done: Option<String>,
}

/// A month's cell (0 = the year): the amount as typed or saved, the id of
/// the saved target, and the version it was read at (0: none saved).
type Cell = (i64, String, Option<i64>, i64);

#[derive(Template)]
#[template(path = "targets.html")]
struct View {
    shell: Shell,
    year: i64,
    department_id: Option<i64>,
    user_id: Option<i64>,
    departments: Vec<Choice>,
    people: Vec<Choice>,
    /// Per measure, the thirteen amounts (0 = the year) as typed, each
    /// with the id of the target saved for it.
    rows: Vec<(&'static str, Vec<Cell>)>,
    errors: FormErrors,
    currency: String,
}

impl View {
    fn currencies(&self) -> &'static [&'static str] {
        money::CURRENCIES
    }

    /// The amounts month by month (the year first), each month with its
    /// cell of every measure: the table has a row per month, so it stays
    /// narrow enough for a phone.
    fn by_month(&self) -> Vec<(i64, Vec<(&'static str, &Cell)>)> {
        (0..13)
            .map(|index| {
                let cells = self
                    .rows
                    .iter()
                    .filter_map(|(measure, months)| months.get(index).map(|c| (*measure, c)))
                    .collect();
                (index as i64, cells)
            })
            .collect()
    }

    fn is_department(&self, id: &i64) -> bool {
        self.department_id == Some(*id)
    }

    fn is_user(&self, id: &i64) -> bool {
        self.user_id == Some(*id)
    }

    /// Every problem of a refused save, the holder's first, then the
    /// amounts in the table's order.
    fn messages(&self) -> Vec<&String> {
        let mut fields: Vec<(&String, &String)> = self.errors.fields.iter().collect();
        fields.sort_by_key(|(field, _)| {
            let order = ["year", "department_id", "user_id", "currency"]
                .iter()
                .position(|f| f == field)
                .unwrap_or(9);
            let month = field
                .rsplit(':')
                .next()
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(0);
            (order, !field.contains("contract"), month)
        });
        fields.into_iter().map(|(_, message)| message).collect()
    }
}

async fn view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: &Query,
    (errors, typed): (FormErrors, Option<&TargetForm>),
    read_again: bool,
) -> Result<View, ServiceError> {
    let year = optional_number(&query.year).unwrap_or_else(|| i64::from(state.app_today_year()));
    let department_id = optional_number(&query.department_id);
    let user_id = optional_number(&query.user_id).filter(|_| department_id.is_none());
    let set = state
        .app
        .targets_of(caller, year, (department_id, user_id))
        .await?;
    let rows = kuijing_service::dashboard::MEASURES
        .into_iter()
        .map(|measure| {
            let months = (0..=12)
                .map(|month| {
                    let key = format!("{measure}:{month}");
                    let typed_at = typed.and_then(|form| {
                        form.key.iter().position(|k| *k == key).map(|i| (form, i))
                    });
                    let typed_value = typed_at.and_then(|(form, i)| form.amount.get(i).cloned());
                    let saved = set
                        .iter()
                        .find(|t| t.measure == measure && t.month == month);
                    // A refused save keeps the versions it was read at, so
                    // saving again still finds what changed meanwhile; after
                    // a save refused for that, the versions are read again.
                    let version = typed_at
                        .filter(|_| !read_again)
                        .and_then(|(form, i)| form.version.get(i))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or_else(|| saved.map_or(0, |t| t.version));
                    let value = typed_value.unwrap_or_else(|| {
                        saved
                            .map(|t| money::amount_text_in(t.amount, &t.currency))
                            .unwrap_or_default()
                    });
                    (month, value, saved.map(|t| t.id), version)
                })
                .collect();
            (measure, months)
        })
        .collect();
    Ok(View {
        shell: Shell::new(state, caller, lang, "/settings/targets", "targets.title")
            .with_notice(query.done.as_deref()),
        year,
        department_id,
        user_id,
        departments: state.app.department_choices().await?,
        people: state.app.user_choices(caller).await?,
        rows,
        errors,
        // The currency asked for (the one just saved in), else the one the
        // holder's targets are in, as the dashboard and the report choose.
        currency: if query.currency.is_empty() {
            kuijing_service::dashboard::target_currency(
                set.iter().map(|t| t.currency.as_str()),
                &state.app.currency(),
            )
        } else {
            query.currency.clone()
        },
    })
}

trait Today {
    fn app_today_year(&self) -> i32;
}

impl Today for AppState {
    fn app_today_year(&self) -> i32 {
        self.app
            .now()
            .with_timezone(&self.app.time_zone())
            .date_naive()
            .year()
    }
}

pub async fn show_targets(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<Query>,
) -> Response {
    answer(
        view(
            &state,
            &caller,
            lang,
            &query,
            (FormErrors::default(), None),
            false,
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    currency: String,
    /// `measure:month` pairs, in the order of `amount`.
    #[serde(default)]
    key: Vec<String>,
    #[serde(default)]
    amount: Vec<String>,
    /// The version each amount was read at (0: none saved), in the order
    /// of `key`.
    #[serde(default)]
    version: Vec<String>,
}

/// Saves every amount typed; an emptied one is left as it was.
pub async fn save_targets(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<TargetForm>,
) -> Response {
    let year = optional_number(&form.year).unwrap_or(0);
    let department_id = optional_number(&form.department_id);
    let user_id = optional_number(&form.user_id).filter(|_| department_id.is_none());
    // Every amount goes in one batch: all problems come back together, and
    // a bad one saves none of the others.
    let amounts = form
        .key
        .iter()
        .zip(&form.amount)
        .enumerate()
        .filter(|(_, (_, amount))| !amount.trim().is_empty())
        .filter_map(|(index, (key, amount))| {
            let (measure, month) = key.split_once(':')?;
            let when = if month == "0" {
                lang.t("targets.whole_year")
            } else {
                month.to_string()
            };
            Some(TargetAmount {
                label: Some(format!("{} ({when})", lang.t(&format!("target.{measure}")))),
                measure: measure.to_string(),
                month: month.parse().unwrap_or(-1),
                amount: amount.clone(),
                // A page without versions (an older one) saves unchecked.
                version: form.version.get(index).and_then(|v| v.trim().parse().ok()),
            })
        })
        .collect();
    let input = TargetsInput {
        year,
        department_id,
        user_id,
        currency: Some(form.currency.clone()).filter(|c| !c.is_empty()),
        amounts,
    };
    let result = state
        .app
        .set_targets(&caller, &input)
        .await
        .map_err(|e| crate::error::name_insight_fields(e, lang));
    let query = Query {
        year: form.year.clone(),
        department_id: form.department_id.clone(),
        user_id: form.user_id.clone(),
        currency: form.currency.clone(),
        done: None,
    };
    let back = page_of(
        &form.year,
        &form.department_id,
        &form.user_id,
        &form.currency,
        "saved",
    );
    if let Err(ServiceError::Changed { current, .. }) = &result {
        let errors = changed_errors(current, lang);
        let again = view(&state, &caller, lang, &query, (errors, Some(&form)), true).await;
        return answer(again, StatusCode::CONFLICT, &caller, lang);
    }
    after_post(
        result,
        |_| axum::response::IntoResponse::into_response(axum::response::Redirect::to(&back)),
        async |errors| view(&state, &caller, lang, &query, (errors, Some(&form)), false).await,
        &caller,
        lang,
    )
    .await
}

/// The messages of a save refused because someone else saved (or deleted)
/// some of the same targets meanwhile: each such cell names what is saved
/// now, and what was typed stays in the form to be saved again.
fn changed_errors(current: &serde_json::Value, lang: Lang) -> FormErrors {
    let mut fields = std::collections::HashMap::new();
    for target in current.as_array().into_iter().flatten() {
        let measure = target["measure"].as_str().unwrap_or_default();
        let month = target["month"].as_i64().unwrap_or_default();
        let when = if month == 0 {
            lang.t("targets.whole_year")
        } else {
            month.to_string()
        };
        let label = format!("{} ({when})", lang.t(&format!("target.{measure}")));
        let message = match (target["amount"].as_i64(), target["currency"].as_str()) {
            (Some(amount), Some(currency)) => lang
                .t("target_input.cell_changed")
                .replace("%{amount}", &money::format_money(amount, currency)),
            _ => lang.t("target_input.cell_deleted"),
        };
        fields.insert(
            format!("amount:{measure}:{month}"),
            message.replace("%{field}", &label),
        );
    }
    FormErrors {
        fields,
        form: Some(lang.t("target_input.changed")),
    }
}

/// Where the targets page of a holder and year is, with a confirmation.
fn page_of(year: &str, department: &str, user: &str, currency: &str, done: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("year", year),
        ("department_id", department),
        ("user_id", user),
        ("currency", currency),
        ("done", done),
    ] {
        query.append_pair(key, value);
    }
    format!("/settings/targets?{}", query.finish())
}

/// Deletes one target, back to the holder's page; one already gone (a
/// second click, or another tab) lands there too, saying so.
pub async fn delete_target(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    crate::extract::Id(id): crate::extract::Id,
    Form(form): Form<Query>,
) -> Response {
    let done = match state.app.delete_target(&caller, id).await {
        Ok(()) => "deleted",
        Err(ServiceError::NotFound) => "target_gone",
        Err(error) => return super::forms::error_page(error, &caller, lang),
    };
    let back = page_of(
        &form.year,
        &form.department_id,
        &form.user_id,
        &form.currency,
        done,
    );
    axum::response::IntoResponse::into_response(axum::response::Redirect::to(&back))
}
