//! The lists' columns, built once for every list: the headers and cells of
//! the columns a user chose, the column picker that chooses them, and the
//! batch form's "all that match" selection read back from a list's query.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_service::list_columns::{ListColumns, ListColumnsInput, ListKind};
use serde::Deserialize;

use super::Shell;
use super::forms::error_page;
use crate::AppState;
use crate::auth::PageUser;
use crate::i18n::Lang;

/// A column heading: its label, and where a click sorts by it.
pub struct Header {
    pub label: String,
    pub numeric: bool,
    /// The address that sorts by the column, and its `aria-sort`.
    pub sort: Option<(String, &'static str)>,
}

/// One cell: text, maybe a link, maybe tags, with the class of its kind.
#[derive(Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// `num` (money, right-aligned), `mono` (phones, numbers), `muted` (dates).
    pub class: &'static str,
    /// Small coloured tags after the text: (class, text).
    pub tags: Vec<(String, String)>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    pub fn optional(text: Option<&String>) -> Self {
        Self::text(text.cloned().unwrap_or_default())
    }

    pub fn link(text: impl Into<String>, href: String) -> Self {
        Self {
            text: text.into(),
            href: Some(href),
            ..Self::default()
        }
    }

    pub fn with_class(mut self, class: &'static str) -> Self {
        self.class = class;
        self
    }

    pub fn tag(mut self, class: impl Into<String>, text: impl Into<String>) -> Self {
        self.tags.push((class.into(), text.into()));
        self
    }

    /// A custom field's cell, when `column` is one (`custom.<key>`).
    pub fn custom(
        shell: &Shell,
        custom: &serde_json::Map<String, serde_json::Value>,
        column: &str,
    ) -> Option<Self> {
        let key = column.strip_prefix("custom.")?;
        Some(Self::text(
            custom
                .get(key)
                .map(|value| shell.custom_text(value))
                .unwrap_or_default(),
        ))
    }

    /// An instant in the viewer's zone, muted.
    pub fn at(shell: &Shell, at: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        Self::text(at.map(|t| shell.datetime(&t)).unwrap_or_default()).with_class("muted")
    }

    /// The start of a long text.
    pub fn excerpt(text: Option<&str>) -> Self {
        Self::text(
            text.map(|n| n.chars().take(60).collect::<String>())
                .unwrap_or_default(),
        )
    }

    /// Yes or no in the viewer's language.
    pub fn yes_no(shell: &Shell, flag: bool) -> Self {
        Self::text(shell.t(if flag {
            "customers.yes"
        } else {
            "customers.no"
        }))
    }

    /// A cell with nothing in it shows a dash.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty() && self.tags.is_empty()
    }
}

/// A row: its record's id and name (for the tick box), and its cells with
/// the label each shows on a phone.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub cells: Vec<(String, Cell)>,
}

/// The table of a list in the chosen columns.
pub struct Table {
    pub headers: Vec<Header>,
    pub rows: Vec<Row>,
}

impl Table {
    /// Whether any column sorts, so the phone's sort choice is offered.
    pub fn sortable(&self) -> bool {
        self.headers.iter().any(|h| h.sort.is_some())
    }

    /// Builds the table: `cell` gives a row's cell of a column; the header
    /// of a column is its field's label (a custom field's own label).
    pub fn build<T>(
        shell: &Shell,
        columns: &ListColumns,
        items: &[T],
        (id_of, name_of): (impl Fn(&T) -> i64, impl Fn(&T) -> String),
        cell: impl Fn(&T, &str) -> Cell,
        sort: impl Fn(&str) -> Option<(String, &'static str)>,
    ) -> Self {
        let labels: Vec<String> = columns
            .columns
            .iter()
            .map(|c| column_label(shell, columns, c))
            .collect();
        let headers = columns
            .columns
            .iter()
            .zip(&labels)
            .map(|(column, label)| Header {
                label: label.clone(),
                numeric: NUMERIC.contains(&column.as_str()),
                sort: sort(column),
            })
            .collect();
        let rows = items
            .iter()
            .map(|item| Row {
                id: id_of(item),
                name: name_of(item),
                cells: columns
                    .columns
                    .iter()
                    .zip(&labels)
                    .map(|(column, label)| {
                        (label.clone(), typed(columns, column, cell(item, column)))
                    })
                    .collect(),
            })
            .collect();
        Self { headers, rows }
    }
}

/// A custom field's cell as its type reads: a percent with its sign.
fn typed(columns: &ListColumns, column: &str, mut cell: Cell) -> Cell {
    let percent = columns.available.iter().any(|a| {
        a.key == column && a.field_type == Some(kuijing_domain::fields::FieldType::Percent)
    });
    if percent && !cell.text.is_empty() && !cell.text.ends_with('%') {
        cell.text.push('%');
    }
    cell
}

/// A list's table in the caller's chosen columns, and the picker of them;
/// `back` is the list's address with its query.
pub async fn chosen_table<T>(
    (state, caller, shell): (&AppState, &kuijing_service::Caller, &Shell),
    (kind, back, open): (ListKind, String, bool),
    items: &[T],
    (id_of, name_of): (impl Fn(&T) -> i64, impl Fn(&T) -> String),
    cell: impl Fn(&T, &str) -> Cell,
    sort: impl Fn(&str) -> Option<(String, &'static str)>,
) -> Result<(Table, Picker), kuijing_service::ServiceError> {
    let columns = state.app.list_columns(caller, kind).await?;
    let table = Table::build(shell, &columns, items, (id_of, name_of), cell, sort);
    let picker = Picker::new(shell, kind, &columns, back, open);
    Ok((table, picker))
}

/// Columns of money, right-aligned.
const NUMERIC: &[&str] = &["amount", "received", "outstanding"];

/// How a column is named: a custom field by its label, a system field by
/// the locale.
pub fn column_label(shell: &Shell, columns: &ListColumns, column: &str) -> String {
    if column.starts_with("custom.") {
        return columns
            .available
            .iter()
            .find(|a| a.key == column)
            .and_then(|a| a.label.clone())
            .unwrap_or_else(|| column.to_string());
    }
    shell.t(&format!("fields.{column}"))
}

/// The column picker: every column the list can show, the chosen ones
/// ticked and first, in their order.
pub struct Picker {
    pub kind: &'static str,
    /// The list's address with its query, to come back to.
    pub back: String,
    pub options: Vec<PickerOption>,
    /// Open when the page came back from moving a column without a script.
    pub open: bool,
}

pub struct PickerOption {
    pub key: String,
    pub label: String,
    pub chosen: bool,
    /// The naming column, always shown.
    pub fixed: bool,
}

impl Picker {
    pub fn new(
        shell: &Shell,
        kind: ListKind,
        columns: &ListColumns,
        back: String,
        open: bool,
    ) -> Self {
        let option = |key: &str, chosen: bool| PickerOption {
            key: key.to_string(),
            label: column_label(shell, columns, key),
            chosen,
            fixed: key == kind.identifying(),
        };
        let mut options: Vec<PickerOption> =
            columns.columns.iter().map(|c| option(c, true)).collect();
        for available in &columns.available {
            if !columns.columns.contains(&available.key) {
                options.push(option(&available.key, false));
            }
        }
        Self {
            kind: kind.as_str(),
            back,
            options,
            open,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PickerForm {
    #[serde(default)]
    columns: Vec<String>,
    /// `up:<column>` or `down:<column>`: a move asked without a script.
    #[serde(default)]
    r#move: String,
    #[serde(default)]
    reset: Option<String>,
    #[serde(default)]
    back: String,
}

/// Saves the caller's columns of a list and goes back to it.
pub async fn save_columns(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path(kind): Path<String>,
    Form(form): Form<PickerForm>,
) -> Response {
    let Some(kind) = ListKind::parse(&kind) else {
        return error_page(kuijing_service::ServiceError::NotFound, &caller, lang);
    };
    let mut columns = form.columns.clone();
    let moved = move_column(&mut columns, &form.r#move);
    let result = if form.reset.is_some() {
        state.app.reset_list_columns(&caller, kind).await
    } else {
        state
            .app
            .save_list_columns(&caller, kind, &ListColumnsInput { columns })
            .await
    };
    if let Err(error) = result {
        return error_page(error, &caller, lang);
    }
    let back = local_path(&form.back).unwrap_or_else(|| default_path(kind).to_string());
    let separator = if back.contains('?') { '&' } else { '?' };
    let target = if moved {
        format!("{back}{separator}columns=open")
    } else {
        format!("{back}{separator}done=columns_saved")
    };
    Redirect::to(&target).into_response()
}

/// Moves a column one place up or down; answers whether it moved.
fn move_column(columns: &mut [String], instruction: &str) -> bool {
    let Some((direction, column)) = instruction.split_once(':') else {
        return false;
    };
    let Some(at) = columns.iter().position(|c| c == column) else {
        return false;
    };
    match direction {
        "up" if at > 0 => columns.swap(at, at - 1),
        "down" if at + 1 < columns.len() => columns.swap(at, at + 1),
        _ => return false,
    }
    true
}

/// An address on this site only, never one that leads elsewhere.
fn local_path(text: &str) -> Option<String> {
    let text = text.trim();
    (text.starts_with('/') && !text.starts_with("//") && !text.contains('\\'))
        .then(|| text.to_string())
}

fn default_path(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Customer => "/customers",
        ListKind::Opportunity => "/opportunities",
        ListKind::Contract => "/contracts",
        ListKind::Payment => "/payments",
        ListKind::Lead => "/leads",
        ListKind::Contact => "/contacts",
    }
}

/// A list's query as the batch form keeps it for "all that match", read
/// back as the list reads its own.
pub fn query_of<T: serde::de::DeserializeOwned + Default>(query: &str) -> T {
    format!("/?{query}")
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|uri| axum::extract::Query::<T>::try_from_uri(&uri).ok())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// Drops the parameters a redirect added (`done`, `n`, `columns`) from a
/// list's query, so coming back does not repeat them.
pub fn without_notices(query: &str) -> String {
    let kept = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .filter(|(key, _)| !matches!(key.as_ref(), "done" | "n" | "columns"));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_moves_one_place_and_not_past_the_ends() {
        let mut columns: Vec<String> = ["name", "phone", "owner_id"].map(String::from).to_vec();
        assert!(move_column(&mut columns, "up:owner_id"));
        assert_eq!(columns, ["name", "owner_id", "phone"]);
        assert!(!move_column(&mut columns, "up:name"));
        assert!(!move_column(&mut columns, "down:phone"));
        assert!(!move_column(&mut columns, "sideways"));
    }

    #[test]
    fn only_local_addresses_are_gone_back_to() {
        assert_eq!(
            local_path("/customers?q=a").as_deref(),
            Some("/customers?q=a")
        );
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
    }
}
