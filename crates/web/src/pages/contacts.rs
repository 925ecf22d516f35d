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
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    cursor: String,
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
    match state
        .app
        .list_contacts(&caller, optional_text(&query.q).as_deref(), None, page)
        .await
    {
        Ok(list) => {
            let page = ContactsPage {
                shell: Shell::new(&state, &caller, lang, "/contacts", "contacts.title"),
                list,
                q: query.q,
            };
            render(&page, StatusCode::OK)
        }
        Err(error) => error_page(error, &caller, lang),
    }
}
