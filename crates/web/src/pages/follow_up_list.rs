//! The follow-ups list: what was written about which record, by whom,
//! within the viewer's scope; the dashboard's follow-up figure links here
//! with its days and authors.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::follow_ups::FollowUpRow;
use kuijing_service::{Caller, ListPage, PageRequest, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::answer;
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "follow_ups.html")]
struct FollowUpsPage {
    shell: Shell,
    list: ListPage<FollowUpRow>,
    methods: BTreeMap<i64, String>,
    keep: String,
}

impl FollowUpsPage {
    /// Where the record a follow-up is about is shown.
    fn record_href(&self, row: &FollowUpRow) -> Option<String> {
        match row.kind.as_str() {
            "customer" => Some(format!("/customers/{}", row.record_id)),
            "lead" => Some(format!("/leads/{}", row.record_id)),
            "opportunity" => Some(format!("/opportunities/{}", row.record_id)),
            "contract" => Some(format!("/contracts/{}", row.record_id)),
            _ => None,
        }
    }

    fn method(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.methods.get(&id).cloned())
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowUpsQuery {
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    owner_id: Vec<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: FollowUpsQuery,
) -> Result<FollowUpsPage, ServiceError> {
    super::drill::checked(&query.from, &query.to, lang)?;
    let drilled = super::drill::of(&query.from, &query.to, &query.owner_id);
    let list = state
        .app
        .list_follow_ups(
            caller,
            &drilled,
            PageRequest {
                cursor: query.cursor.parse().ok(),
                limit: Some(50),
                anchor: None,
            },
        )
        .await?;
    let mut shell = Shell::new(state, caller, lang, "/dashboard", "follow_ups.title");
    super::drill::note(&mut shell, &drilled, None, "/follow-ups");
    let keep = {
        let mut keep = form_urlencoded::Serializer::new(String::new());
        super::drill::keep(&mut keep, &drilled);
        keep.finish()
    };
    let methods = super::customers::Choices::load(state, caller)
        .await?
        .methods
        .into_iter()
        .map(|m| (m.id, m.label))
        .collect();
    Ok(FollowUpsPage {
        shell,
        list,
        methods,
        keep,
    })
}

pub async fn list_follow_ups(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<FollowUpsQuery>,
) -> Response {
    answer(
        page(&state, &caller, lang, query).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}
