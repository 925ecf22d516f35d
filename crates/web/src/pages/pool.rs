//! The public pool page: the pools the user sees as tabs, the customers
//! waiting in one, to claim, assign or move; and releasing a customer from
//! its record page.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::customers::{CustomerListQuery, CustomerView};
use kuijing_service::pools::{
    AssignInput, ClaimInput, ClaimResult, MoveInput, PoolView, ReleaseInput,
};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::forms::{FormErrors, error_page, optional_number, optional_text, status_of};
use super::pool_rules::RulesSummary;
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::field_message_in;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "pool.html")]
struct PoolPage {
    shell: Shell,
    pools: Vec<PoolView>,
    /// The pool shown; none when the user is in no pool.
    pool: Option<PoolView>,
    list: ListPage<CustomerView>,
    q: String,
    can_claim: bool,
    can_assign: bool,
    can_settings: bool,
    people: Vec<UserView>,
    errors: FormErrors,
    rules: Vec<String>,
    /// Customers the user let go and may claim again only from a day on.
    waits: std::collections::BTreeMap<i64, chrono::NaiveDate>,
    /// The rows ticked before a refused action, ticked again.
    ticked: Vec<i64>,
}

impl PoolPage {
    fn is_current(&self, id: &i64) -> bool {
        self.pool.as_ref().is_some_and(|p| p.id == *id)
    }

    fn is_ticked(&self, id: &i64) -> bool {
        self.ticked.contains(id)
    }

    /// "You may claim it again from …" for a customer the user let go.
    fn wait_of(&self, id: &i64) -> Option<String> {
        self.waits.get(id).map(|day| {
            self.shell
                .t("life_fix3.pool.claim_again_from")
                .replace("%{date}", &self.shell.date(day))
        })
    }

    /// The pools the shown pool's customers can be moved into.
    fn targets(&self) -> Vec<&PoolView> {
        self.pools
            .iter()
            .filter(|p| !self.is_current(&p.id))
            .collect()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PoolQuery {
    #[serde(default)]
    pool: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    cursor: String,
    done: Option<String>,
}

/// Confirmations of this page, in its own locale section.
const DONE: &[&str] = &["claimed", "assigned", "moved", "released"];

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: &PoolQuery,
    (errors, ticked): (FormErrors, Vec<i64>),
) -> Result<PoolPage, ServiceError> {
    let pools = state.app.list_pools(caller).await?;
    let pool = match optional_number(&query.pool) {
        Some(id) => Some(
            pools
                .iter()
                .find(|p| p.id == id)
                .cloned()
                .ok_or(ServiceError::NotFound)?,
        ),
        None => pools.first().cloned(),
    };
    let list = match &pool {
        Some(pool) => {
            let list_query = CustomerListQuery {
                search: optional_text(&query.q),
                cursor: optional_text(&query.cursor),
                limit: Some(50),
                ..CustomerListQuery::default()
            };
            state
                .app
                .list_pool_customers(caller, pool.id, &list_query)
                .await?
        }
        None => ListPage {
            items: Vec::new(),
            total: 0,
            next_cursor: None,
        },
    };
    let can_assign = pool.as_ref().is_some_and(|p| p.can_administer)
        || caller.can(Permission::new(Kind::Pool, Action::Assign));
    let people = if can_assign && pool.is_some() {
        state.app.pick_users(caller, None).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut shell = Shell::new(state, caller, lang, "/pool", "pool.title");
    if let Some(done) = query.done.as_deref().filter(|d| DONE.contains(d)) {
        shell.notice = Some(lang.t(&format!("pools.done.{done}")));
    }
    let rules = match &pool {
        Some(pool) => {
            RulesSummary::new(lang, &state.app.customer_options(caller).await?).lines(pool)
        }
        None => Vec::new(),
    };
    let waits = match &pool {
        Some(pool) => state.app.reclaim_waits(caller, pool.id).await?,
        None => Default::default(),
    };
    Ok(PoolPage {
        shell,
        pools,
        pool,
        list,
        q: query.q.clone(),
        can_claim: caller.can(Permission::new(Kind::Pool, Action::Claim)),
        can_assign,
        can_settings: caller.can(Permission::new(Kind::Pool, Action::Manage)),
        people,
        errors,
        rules,
        waits,
        ticked,
    })
}

pub async fn show_pool(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<PoolQuery>,
) -> Response {
    match page(
        &state,
        &caller,
        lang,
        &query,
        (FormErrors::default(), Vec::new()),
    )
    .await
    {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PoolForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    pool_id: String,
    #[serde(default)]
    to_pool_id: String,
    /// The customer's page a claim was made from (`/customers/<id>`), to
    /// land back on; any other value is ignored.
    #[serde(default)]
    back: String,
}

impl PoolForm {
    /// The customer page to go back to after a claim made from it.
    fn back(&self) -> Option<String> {
        let id = self.back.strip_prefix("/customers/")?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        Some(format!("/customers/{id}"))
    }

    fn ids(&self) -> Vec<i64> {
        self.ids.iter().filter_map(|i| optional_number(i)).collect()
    }

    fn pool(&self) -> i64 {
        optional_number(&self.pool_id).unwrap_or(-1)
    }
}

/// Back to the pool with a confirmation, or the pool again with the reason
/// it was refused.
async fn answer(
    state: &AppState,
    (caller, lang): (&Caller, Lang),
    (pool, ticked): (i64, Vec<i64>),
    result: Result<(), ServiceError>,
    what: &str,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/pool?pool={pool}&done={what}")).into_response(),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(mut errors) => {
                // The batch bar has no place per field: its messages, naming
                // the field as the pool calls it, stand in the form's.
                if let ServiceError::Invalid(found) = &error {
                    let messages: Vec<String> = found
                        .0
                        .iter()
                        .map(|e| field_message_in(e, Some("pool"), lang))
                        .collect();
                    errors.fields.clear();
                    errors.form = Some(messages.join(" "));
                }
                let query = PoolQuery {
                    pool: pool.to_string(),
                    ..PoolQuery::default()
                };
                match page(state, caller, lang, &query, (errors, ticked)).await {
                    Ok(page) => render(&page, status_of(&error)),
                    Err(error) => error_page(error, caller, lang),
                }
            }
            None => error_page(error, caller, lang),
        },
    }
}

/// What a claim or an assignment did not take, each customer named with
/// its reason (taken by someone else, already owned, waiting for its
/// former owner).
fn named_problems(result: ClaimResult) -> Result<(), ServiceError> {
    let problems = result.problems();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ServiceError::Invalid(problems)),
    }
}

pub async fn claim(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PoolForm>,
) -> Response {
    let pool = form.pool();
    let result = state
        .app
        .claim_from_pool(&caller, pool, ClaimInput { ids: form.ids() })
        .await
        .and_then(named_problems);
    // Claimed from the customer's page: back to it, now the user's to write
    // on, with the confirmation; a refusal says why with the way back.
    if let Some(back) = form.back() {
        return match result {
            Ok(()) => super::forms::done(&back, "claimed"),
            Err(error) => {
                // Taken by someone the caller cannot see: the way back is
                // the pool's list, not a customer page they may not open.
                let seen = match back.strip_prefix("/customers/").map(str::parse::<i64>) {
                    Some(Ok(id)) => state.app.get_customer(&caller, id).await.is_ok(),
                    _ => false,
                };
                let back = match seen {
                    true => back,
                    false => format!("/pool?pool={pool}"),
                };
                super::forms::error_page_back(error, &caller, lang, &back)
            }
        };
    }
    answer(
        &state,
        (&caller, lang),
        (pool, form.ids()),
        result,
        "claimed",
    )
    .await
}

pub async fn assign(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PoolForm>,
) -> Response {
    let pool = form.pool();
    let input = AssignInput {
        ids: form.ids(),
        user_id: optional_number(&form.user_id).unwrap_or(-1),
    };
    let result = state
        .app
        .assign_from_pool(&caller, pool, input)
        .await
        .and_then(named_problems);
    answer(
        &state,
        (&caller, lang),
        (pool, form.ids()),
        result,
        "assigned",
    )
    .await
}

pub async fn move_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<PoolForm>,
) -> Response {
    let pool = form.pool();
    let input = MoveInput {
        ids: form.ids(),
        to_pool_id: optional_number(&form.to_pool_id).unwrap_or(-1),
    };
    let result = state
        .app
        .move_between_pools(&caller, pool, input)
        .await
        .map(|_| ());
    answer(&state, (&caller, lang), (pool, form.ids()), result, "moved").await
}

#[derive(Debug, Default, Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    pool_id: String,
}

/// Puts one customer into a pool from its record page.
pub async fn release(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<ReleaseForm>,
) -> Response {
    let input = ReleaseInput {
        ids: vec![id],
        pool_id: optional_number(&form.pool_id),
        reason: form.reason,
    };
    match state.app.release_to_pool(&caller, input).await {
        Ok(_) => super::forms::done("/customers", "released"),
        Err(error) => error_page(error, &caller, lang),
    }
}
