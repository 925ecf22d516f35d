//! Views of a list that users save for themselves: a name for the filters,
//! sort and search they set, shown beside the list's own views.

use kuijing_domain::{FieldError, FieldErrors, text};
use kuijing_store::saved_views;
pub use kuijing_store::saved_views::SavedView;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// The lists a view can be saved of.
pub const LISTS: &[&str] = &[
    "customer",
    "lead",
    "contact",
    "opportunity",
    "contract",
    "payment",
    "product",
];

/// Parameters a list has that a view does not keep: where a page starts
/// and the confirmation of the last action.
const TRANSIENT: &[&str] = &["cursor", "done", "import"];

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedViewInput {
    /// The list: `customer`, `lead`, `contact`, `opportunity`, `contract`,
    /// `payment` or `product`.
    pub kind: String,
    pub name: String,
    /// The list's query string, as in its address after `?`.
    pub query: String,
    /// Whether a view of the caller's with the same name (case, width and
    /// spaces aside) is replaced; without it such a save is refused
    /// (`view_name_taken`).
    #[serde(default)]
    pub replace: bool,
}

/// A view as saved, and whether it replaced one of the same name.
#[derive(Debug, Clone)]
pub struct Saved {
    pub view: SavedView,
    pub replaced: bool,
}

fn check_kind(kind: &str) -> Result<&'static str> {
    LISTS
        .iter()
        .copied()
        .find(|k| *k == kind)
        .ok_or_else(|| FieldError::new("kind", "invalid_choice").into())
}

/// The query string without the parameters a view does not keep, in a
/// stable form.
pub fn clean_query(query: &str) -> String {
    let kept = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .filter(|(key, value)| !TRANSIENT.contains(&key.as_ref()) && !value.is_empty());
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

impl App {
    /// The caller's own views of a list.
    pub async fn saved_views(&self, caller: &Caller, kind: &str) -> Result<Vec<SavedView>> {
        let kind = check_kind(kind)?;
        let mut tx = self.db.read().await?;
        Ok(saved_views::of_user(&mut tx, caller.user.id, kind).await?)
    }

    /// Saves the list's current filters under a name. A view of the same
    /// name is replaced only when the input says so (`replace`), and keeps
    /// its id and its name as first spelt; otherwise the save is refused
    /// naming the view.
    pub async fn save_view(&self, caller: &Caller, input: &SavedViewInput) -> Result<Saved> {
        let mut errors = FieldErrors::new();
        let kind = check_kind(&input.kind);
        if kind.is_err() {
            errors.add("kind", "invalid_choice");
        }
        let name = text::parse_name(&input.name, 40);
        if let Err(refusal) = name.clone() {
            errors.push(refusal.on("name"));
        }
        let query = clean_query(&input.query);
        if query.len() > 2000 {
            errors.push(kuijing_domain::Refusal::too_long(2000).on("query"));
        }
        errors.into_result()?;
        let (Ok(kind), Ok(name)) = (kind, name) else {
            return Err(ServiceError::Internal("checked above".into()));
        };
        let mut tx = self.db.write().await?;
        let views = saved_views::of_user(&mut tx, caller.user.id, kind).await?;
        let key = text::normalize(&name).replace(' ', "");
        let same = views
            .iter()
            .find(|v| text::normalize(&v.name).replace(' ', "") == key);
        let name = match same {
            Some(view) if !input.replace => {
                return Err(ServiceError::RefusedWith {
                    code: "view_name_taken",
                    params: vec![("name", view.name.clone())],
                });
            }
            Some(view) => view.name.clone(),
            None if views.len() >= 30 => {
                return Err(FieldError::new("name", "too_many_views").into());
            }
            None => name,
        };
        let id =
            saved_views::save(&mut tx, caller.user.id, (kind, &name, &query), self.now()).await?;
        tx.commit().await?;
        Ok(Saved {
            view: SavedView {
                id,
                kind: kind.to_string(),
                name,
                query,
            },
            replaced: same.is_some(),
        })
    }

    /// Deletes one of the caller's views; another user's is not found.
    pub async fn delete_view(&self, caller: &Caller, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        if !saved_views::delete(&mut tx, caller.user.id, id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}
