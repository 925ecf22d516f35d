//! The contacts list: the people at the customers the user may see.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::contacts::Contact;
use kuijing_service::{ListPage, PageRequest};
use serde::Deserialize;

use super::forms::{error_page, optional_text};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    shell: Shell,
    list: ListPage<Contact>,
    q: String,
    /// This list's query without the cursor, for the next page.
    keep: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    owner_id: Vec<String>,
}

pub async fn list_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ContactsQuery>,
) -> Response {
    let page = PageRequest {
        cursor: query.cursor.parse().ok(),
        limit: Some(50),
    };
    let drilled = super::drill::of(&query.from, &query.to, &query.owner_id);
    let keep = {
        let mut keep = form_urlencoded::Serializer::new(String::new());
        keep.append_pair("q", &query.q);
        super::drill::keep(&mut keep, &drilled);
        keep.finish()
    };
    match state
        .app
        .list_contacts(
            &caller,
            (optional_text(&query.q).as_deref(), None),
            &drilled,
            page,
        )
        .await
    {
        Ok(list) => {
            let mut shell = Shell::new(&state, &caller, lang, "/contacts", "contacts.title");
            super::drill::note(&mut shell, &drilled, None, "/contacts");
            let page = ContactsPage {
                shell,
                list,
                q: query.q,
                keep,
            };
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}
