//! The search results page, for a search sent without the page's script.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::search::SearchHit;
use serde::Deserialize;

use super::forms::error_page;
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    hits: Vec<SearchHit>,
    /// Kinds with more matches than shown: how many more, and the list
    /// that shows them all.
    more: Vec<More>,
}

struct More {
    text: String,
    url: String,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<SearchQuery>,
) -> Response {
    match state.app.search(&caller, &query.q).await {
        Ok(results) => {
            let q: String = form_urlencoded::byte_serialize(query.q.trim().as_bytes()).collect();
            let more = results
                .more
                .into_iter()
                .map(|(kind, count)| More {
                    text: lang
                        .t("review_fix13.more_hits")
                        .replace("%{count}", &count.to_string())
                        .replace("%{kind}", &lang.t(&format!("kinds.{kind}"))),
                    url: format!("/{kind}s?q={q}"),
                })
                .collect();
            let page = SearchPage {
                shell: Shell::new(&state, &caller, lang, "/search", "search.title"),
                q: query.q,
                hits: results.hits,
                more,
            };
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}
