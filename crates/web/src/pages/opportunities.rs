//! Opportunity pages: the list, the board (a column per stage, cards moved
//! by dragging or by a menu), the record page and the form.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::pipeline::Outcome;
use kuijing_domain::{Action, Kind, Permission, money};
use kuijing_service::attachments::Attachment;
use kuijing_service::choices::Choice;
use kuijing_service::list_columns::ListKind;
use kuijing_service::opportunities::PipelineView as Pipeline;
use kuijing_service::opportunities::{
    Board, MoveInput, OpportunityDetail, OpportunityInput, OpportunityListQuery, OpportunityRow,
};
use kuijing_service::products::DecimalText;
use kuijing_service::products::ProductRecord as Product;
use kuijing_service::saved_views::SavedView;
use kuijing_service::selection::OpportunityMatch;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::columns::{Cell, Picker, Table, query_of, without_notices};
use super::conflict;
use super::follow_ups::{Composer, TimelineEntry};
use super::forms::{
    CustomValues, FormErrors, ImportBox, after_post, answer, currency_choices, done, error_page,
    optional_number, optional_text, status_of, unread_dates,
};
use super::{Shell, list_notes, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use crate::imports::ImportKind;

mod batch;
mod board;
mod form;
mod record;

pub(in crate::pages) use batch::list_with_import;
pub use batch::{delete_many, export, move_many, transfer};
pub use board::board;
pub use form::{create_opportunity, edit_opportunity, new_opportunity, update_opportunity};
pub(super) use record::record_view;
pub use record::{add_follow_up, delete_opportunity, move_stage, show_opportunity};

fn can(caller: &Caller, action: Action) -> bool {
    caller.can(Permission::new(Kind::Opportunity, action))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    view: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    pipeline_id: String,
    #[serde(default)]
    stage_id: String,
    /// Only this customer's opportunities (from the customer's page).
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    owner_id: Vec<String>,
    /// Only records in this currency (a dashboard money figure's).
    #[serde(default)]
    currency: String,
    /// `1`: the days are those the opportunities were won or lost on.
    #[serde(default)]
    closed: String,
    done: Option<String>,
    /// How many records the batch action that led here touched.
    n: Option<u64>,
    /// `open` when the column picker should show open.
    #[serde(default)]
    columns: String,
}

impl ListQuery {
    /// Whether anything narrows the list beyond its view: a search, an
    /// outcome, pipeline, stage, customer or a dashboard's days and people.
    fn is_narrowed(&self) -> bool {
        [
            &self.q,
            &self.outcome,
            &self.pipeline_id,
            &self.stage_id,
            &self.customer_id,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
            || !self.drill().filters().is_empty()
    }

    /// The list of the same view without the narrowing.
    fn clear_href(&self) -> String {
        match self.view.as_str() {
            "" => "/opportunities".to_string(),
            view => format!("/opportunities?view={}", crate::auth::url_encode(view)),
        }
    }

    /// Which rows and columns an export from this list holds.
    fn export(&self, ids: Option<String>) -> crate::api::SalesExportFilter {
        crate::api::SalesExportFilter {
            ids,
            columns: Some("mine".into()),
            q: optional_text(&self.q),
            view: optional_text(&self.view),
            outcome: optional_text(&self.outcome),
            pipeline_id: optional_number(&self.pipeline_id),
            stage_id: optional_number(&self.stage_id),
            customer_id: optional_number(&self.customer_id),
            ..Default::default()
        }
    }

    /// The list's filter for a batch action on every row that matches.
    fn matching(&self) -> OpportunityMatch {
        OpportunityMatch {
            q: optional_text(&self.q),
            view: optional_text(&self.view),
            pipeline_id: optional_number(&self.pipeline_id),
            stage_id: optional_number(&self.stage_id),
            outcome: optional_text(&self.outcome),
            customer_id: optional_number(&self.customer_id),
            drill: self.drill(),
        }
    }

    /// The dashboard's narrowing: days (of creation, or of closing) and owners.
    fn drill(&self) -> kuijing_service::dashboard::Drill {
        kuijing_service::dashboard::Drill {
            closed: self.closed.trim() == "1",
            ..super::drill::of_money(&self.from, &self.to, &self.owner_id, &self.currency)
        }
    }

    fn service(&self) -> OpportunityListQuery {
        OpportunityListQuery {
            search: optional_text(&self.q),
            pipeline_id: optional_number(&self.pipeline_id),
            stage_id: optional_number(&self.stage_id),
            outcome: optional_text(&self.outcome),
            view: optional_text(&self.view),
            sort: optional_text(&self.sort),
            customer_id: optional_number(&self.customer_id),
            drill: self.drill(),
        }
    }

    /// The dashboard's narrowing and the customer, for the search form to keep.
    fn drill_inputs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = super::drill::pairs(&self.service().drill);
        pairs.extend(super::drill::customer_pair(&self.customer_id));
        pairs
    }

    /// The query string of this list without the cursor, for tabs and pages.
    fn keep(&self) -> String {
        self.keep_sorted(&self.sort)
    }

    /// The address that sorts the list by a column (the other way when it
    /// is already sorted by it), and the column's `aria-sort`.
    fn sort_link(&self, column: &str) -> (String, &'static str) {
        let current = self.sort.trim();
        let (next, aria) = if current == column {
            (format!("-{column}"), "ascending")
        } else if current.strip_prefix('-') == Some(column) {
            (column.to_string(), "descending")
        } else if column == "name" {
            (column.to_string(), "none")
        } else {
            (format!("-{column}"), "none")
        };
        (format!("/opportunities?{}", self.keep_sorted(&next)), aria)
    }

    fn keep_sorted(&self, sort: &str) -> String {
        let mut parts = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", self.q.as_str()),
            ("view", &self.view),
            ("outcome", &self.outcome),
            ("pipeline_id", &self.pipeline_id),
            ("stage_id", &self.stage_id),
            ("customer_id", &self.customer_id),
            ("sort", sort),
        ] {
            if !value.is_empty() {
                parts.append_pair(key, value);
            }
        }
        super::drill::keep(&mut parts, &self.service().drill);
        parts.finish()
    }
}

#[derive(Template)]
#[template(path = "opportunities.html")]
pub(super) struct ListPageView {
    pub(super) shell: Shell,
    list: ListPage<OpportunityRow>,
    /// The count and amount of every opportunity that matches, per currency.
    totals: Vec<kuijing_service::opportunities::AmountTotal>,
    query: ListQuery,
    keep: String,
    views: Vec<SavedView>,
    pipelines: Vec<Pipeline>,
    can_create: bool,
    /// Rows can be ticked to transfer them or change their stage.
    can_batch: bool,
    people: Vec<Choice>,
    /// The import box, for those who may import.
    import: Option<ImportBox>,
    can_delete: bool,
    can_export: bool,
    table: Table,
    picker: Picker,
}

impl ListPageView {
    /// A sort chosen from a column's header that the search form's own
    /// choices lack, named so the form keeps it when it is sent again.
    fn other_sort(&self) -> Option<(String, String)> {
        let sort = self.query.sort.trim();
        if sort.is_empty() || ["-amount", "expected_close_on", "-updated_at"].contains(&sort) {
            return None;
        }
        let (name, arrow) = match sort.strip_prefix('-') {
            Some(name) => (name, "↓"),
            None => (sort, "↑"),
        };
        Some((
            sort.to_string(),
            format!("{} {arrow}", self.shell.field_label(name)),
        ))
    }

    fn outcomes(&self) -> [&'static str; 4] {
        Outcome::ALL.map(Outcome::as_str)
    }

    /// Whether rows can be ticked for a batch action.
    fn batch(&self) -> bool {
        self.can_batch || self.can_delete || self.can_export
    }
}

/// An opportunity's cell in a column of the list.
fn opportunity_cell(shell: &Shell, row: &OpportunityRow, column: &str) -> Cell {
    let o = &row.opportunity;
    if let Some(cell) = Cell::custom(shell, &o.custom, column) {
        return cell;
    }
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
        Cell::text(t.map(|t| shell.datetime(&t)).unwrap_or_default()).with_class("muted")
    };
    match column {
        "name" => Cell::link(o.name.clone(), format!("/opportunities/{}", o.id)),
        "customer_id" => Cell::link(
            o.customer_name.clone(),
            format!("/customers/{}", o.customer_id),
        ),
        "stage_id" if o.outcome == Outcome::Open => {
            Cell::default().tag("", format!("{} · {}%", row.stage_name, row.win_rate))
        }
        "stage_id" | "outcome" => Cell::default().tag(
            format!("outcome-{}", o.outcome.as_str()),
            shell.tk("outcome", o.outcome.as_str()),
        ),
        "pipeline_id" => Cell::text(row.pipeline_name.clone()),
        "amount" => Cell::text(shell.money(&o.amount, &o.currency)).with_class("num"),
        "expected_close_on" => Cell::text(
            o.expected_close_on
                .map(|d| shell.date(&d))
                .unwrap_or_default(),
        )
        .with_class("muted"),
        "next_contact_at" => at(o.next_contact_at),
        "last_follow_up_at" => at(o.last_follow_up_at),
        "owner_id" => Cell::optional(row.owner_name.as_ref()),
        "created_at" => at(Some(o.created_at)),
        "updated_at" => at(Some(o.updated_at)),
        _ => Cell::default(),
    }
}

/// The list page, with what an import just found when there was one.
pub(super) async fn list_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut query: ListQuery,
    import: Option<ImportBox>,
) -> Result<ListPageView, ServiceError> {
    super::drill::checked(&query.from, &query.to, lang)?;
    let view_note = list_notes::check_view(lang, &mut query.view, &list_notes::SALES_VIEWS);
    let service = query.service();
    // A cursor of another sort (an old link) starts from the first page,
    // a sort the list does not offer shows the newest first; both say so.
    let mut note = None;
    let sort = service.sort.as_deref();
    let page = list_notes::page_or_first(lang, &mut query.cursor, sort, &mut note);
    let (list, totals) = match state
        .app
        .list_opportunities_totalled(caller, &service, page)
        .await
    {
        Err(error) if list_notes::refused(&error, "sort") => {
            note = Some(list_notes::unknown_sort(lang, &query.sort, true));
            query.sort.clear();
            query.cursor.clear();
            let first = list_notes::first_page();
            state
                .app
                .list_opportunities_totalled(caller, &query.service(), first)
                .await?
        }
        Err(error) if list_notes::refused(&error, "cursor") => {
            note = Some(list_notes::foreign_cursor(lang));
            query.cursor.clear();
            let first = list_notes::first_page();
            state
                .app
                .list_opportunities_totalled(caller, &service, first)
                .await?
        }
        listed => listed?,
    };
    let mut shell = Shell::new(state, caller, lang, "/opportunities", "opportunities.title")
        .with_notice(query.done.as_deref())
        .with_count(query.n);
    shell.list_note = list_notes::joined(view_note, note);
    let customer = super::drill::customer_note(state, caller, &shell, &query.customer_id).await;
    super::drill::note(&mut shell, &service.drill, customer, "/opportunities");
    let columns = state
        .app
        .list_columns(caller, ListKind::Opportunity)
        .await?;
    let table = Table::build(
        &shell,
        &columns,
        &list.items,
        (
            |r: &OpportunityRow| r.opportunity.id,
            |r: &OpportunityRow| r.opportunity.name.clone(),
        ),
        |row, column| opportunity_cell(&shell, row, column),
        |column| {
            kuijing_service::list_filters::is_sortable(
                kuijing_service::opportunities::SORTABLE,
                column,
            )
            .then(|| query.sort_link(column))
        },
    );
    let picker = Picker::new(
        &shell,
        ListKind::Opportunity,
        &columns,
        format!("/opportunities?{}", query.keep()),
        query.columns == "open",
    );
    Ok(ListPageView {
        can_delete: can(caller, Action::Delete),
        can_export: can(caller, Action::Export),
        table,
        picker,
        shell,
        keep: query.keep(),
        views: state.app.saved_views(caller, "opportunity").await?,
        list,
        totals,
        query,
        pipelines: state.app.pipelines(caller).await?,
        can_create: can(caller, Action::Create),
        can_batch: can(caller, Action::Transfer) || can(caller, Action::Edit),
        import: super::forms::may_import(caller, Kind::Opportunity)
            .is_ok()
            .then(|| import.unwrap_or_else(|| ImportBox::new(ImportKind::Opportunity))),
        people: state.app.user_choices(caller).await?,
    })
}

pub async fn list_opportunities(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<ListQuery>,
) -> Response {
    answer(
        list_view(&state, &caller, lang, query, None).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}
