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
use kuijing_service::dashboard::TargetInput;
use kuijing_service::products::DecimalText;
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

#[derive(Template)]
#[template(path = "targets.html")]
struct View {
    shell: Shell,
    year: i64,
    department_id: Option<i64>,
    user_id: Option<i64>,
    departments: Vec<Choice>,
    people: Vec<Choice>,
    /// Per measure, the thirteen amounts (0 = the year) as typed.
    rows: Vec<(&'static str, Vec<(i64, String)>)>,
    errors: FormErrors,
    currency: String,
}

impl View {
    fn currencies(&self) -> &'static [&'static str] {
        money::CURRENCIES
    }

    fn is_department(&self, id: &i64) -> bool {
        self.department_id == Some(*id)
    }

    fn is_user(&self, id: &i64) -> bool {
        self.user_id == Some(*id)
    }
}

async fn view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: &Query,
    (errors, typed): (FormErrors, Option<&TargetForm>),
) -> Result<View, ServiceError> {
    let year = optional_number(&query.year).unwrap_or_else(|| i64::from(state.app_today_year()));
    let department_id = optional_number(&query.department_id);
    let user_id = optional_number(&query.user_id).filter(|_| department_id.is_none());
    let set = state
        .app
        .targets_of(caller, year, (department_id, user_id))
        .await?;
    let rows = ["contract_amount", "payment_amount"]
        .into_iter()
        .map(|measure| {
            let months = (0..=12)
                .map(|month| {
                    let key = format!("{measure}:{month}");
                    let typed_value = typed.and_then(|form| {
                        form.key
                            .iter()
                            .position(|k| *k == key)
                            .and_then(|i| form.amount.get(i).cloned())
                    });
                    let value = typed_value.unwrap_or_else(|| {
                        set.iter()
                            .find(|t| t.measure == measure && t.month == month)
                            .map(|t| money::amount_text(t.amount))
                            .unwrap_or_default()
                    });
                    (month, value)
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
        currency: if query.currency.is_empty() {
            state.app.settings().currency.clone()
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
        view(&state, &caller, lang, &query, (FormErrors::default(), None)).await,
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
    // Every amount is read first, so a bad one saves none of the others.
    let mut problems = kuijing_domain::FieldErrors::new();
    for (key, amount) in form.key.iter().zip(&form.amount) {
        if !amount.trim().is_empty()
            && let Err(code) = money::parse_amount(amount)
        {
            let (measure, month) = key.split_once(':').unwrap_or((key.as_str(), "0"));
            let when = if month == "0" {
                lang.t("targets.whole_year")
            } else {
                month.to_string()
            };
            let label = format!("{} ({when})", lang.t(&format!("target.{measure}")));
            problems.add_labelled("amount", &label, code);
        }
    }
    let mut result = problems.into_result().map_err(ServiceError::Invalid);
    for (key, amount) in form.key.iter().zip(&form.amount) {
        if result.is_err() {
            break;
        }
        if amount.trim().is_empty() {
            continue;
        }
        let Some((measure, month)) = key.split_once(':') else {
            continue;
        };
        let input = TargetInput {
            year,
            month: month.parse().unwrap_or(-1),
            department_id,
            user_id,
            measure: measure.to_string(),
            amount: DecimalText::Text(amount.clone()),
            currency: Some(form.currency.clone()).filter(|c| !c.is_empty()),
        };
        result = state.app.set_target(&caller, &input).await;
    }
    let query = Query {
        year: form.year.clone(),
        department_id: form.department_id.clone(),
        user_id: form.user_id.clone(),
        currency: form.currency.clone(),
        done: None,
    };
    let back = format!(
        "/settings/targets?year={}&department_id={}&user_id={}&currency={}",
        form.year, form.department_id, form.user_id, form.currency
    );
    after_post(
        result,
        |_| {
            axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!(
                "{back}&done=saved"
            )))
        },
        async |errors| view(&state, &caller, lang, &query, (errors, Some(&form))).await,
        &caller,
        lang,
    )
    .await
}
