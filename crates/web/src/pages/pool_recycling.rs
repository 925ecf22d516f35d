//! "Soon back in the pool": the user's customers that a pool's recycle
//! rules will take back unless they act, and why. Reminders link here.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::recycling::DueCustomer;

use super::forms::error_page;
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "pool_recycling.html")]
struct RecyclingPage {
    shell: Shell,
    due: Vec<DueCustomer>,
    now: chrono::DateTime<chrono::Utc>,
}

impl RecyclingPage {
    /// Whole days until it goes back; 0 when it is due already.
    fn days_left(&self, due: &DueCustomer) -> i64 {
        ((due.due_at - self.now).num_hours().max(0) + 23) / 24
    }

    /// "in N days", or "at the next daily run" when it is due already.
    fn left_text(&self, due: &DueCustomer) -> String {
        if due.due_at <= self.now {
            return self.shell.t("life_fix3.pool.next_run");
        }
        self.shell.tn("pools.soon.days_left", &self.days_left(due))
    }
}

pub async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    match state.app.recycling_soon(&caller).await {
        Ok(due) => render(
            &RecyclingPage {
                shell: Shell::new(&state, &caller, lang, "/pool", "pools.soon.title"),
                due,
                now: state.app.now(),
            },
            StatusCode::OK,
        ),
        Err(error) => error_page(error, &caller, lang),
    }
}
