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
use kuijing_service::products::ProductRecord as Product;
use kuijing_service::products::{DecimalText, LineInput, ProductListQuery};
use kuijing_service::saved_views::SavedView;
use kuijing_service::selection::OpportunityMatch;
use kuijing_service::{Caller, ListPage, PageRequest, ServiceError};
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
            ..super::drill::of(&self.from, &self.to, &self.owner_id)
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

#[derive(Template)]
#[template(path = "opportunity_board.html")]
struct BoardView {
    shell: Shell,
    board: Board,
    pipelines: Vec<Pipeline>,
    mine: bool,
    can_edit: bool,
}

impl BoardView {
    /// Whether the caller may move a card: dragged or with its form.
    fn movable(&self, id: &i64) -> bool {
        self.board.movable.contains(id)
    }

    /// The list of the open opportunities at a stage, as the board counts
    /// them (all, or the caller's own).
    fn stage_href(&self, stage_id: &i64) -> String {
        let mine = if self.mine { "&view=mine" } else { "" };
        format!(
            "/opportunities?pipeline_id={}&stage_id={stage_id}&outcome=open{mine}",
            self.board.pipeline.id
        )
    }

    fn amounts(&self, amounts: &[(String, i64)]) -> String {
        if amounts.is_empty() {
            return self.shell.money(&0, &self.currency());
        }
        amounts
            .iter()
            .map(|(currency, amount)| self.shell.money(amount, currency))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// A column's amounts by currency as JSON, for the board's script to
    /// add and take away a dragged card's amount.
    fn amounts_json(&self, amounts: &[(String, i64)]) -> String {
        let map: serde_json::Map<String, serde_json::Value> = amounts
            .iter()
            .map(|(currency, amount)| (currency.clone(), (*amount).into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    fn currency(&self) -> String {
        self.board
            .columns
            .iter()
            .flat_map(|c| c.amounts.first())
            .map(|(currency, _)| currency.clone())
            .next()
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    pipeline_id: String,
    #[serde(default)]
    view: String,
}

pub async fn board(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<BoardQuery>,
) -> Response {
    let filter = OpportunityListQuery {
        view: optional_text(&query.view),
        ..OpportunityListQuery::default()
    };
    let board = state
        .app
        .opportunity_board(&caller, optional_number(&query.pipeline_id), &filter, 30)
        .await;
    let pipelines = state.app.pipelines(&caller).await;
    match (board, pipelines) {
        (Ok(board), Ok(pipelines)) => {
            let view = BoardView {
                shell: Shell::new(
                    &state,
                    &caller,
                    lang,
                    "/opportunities",
                    "opportunities.board",
                ),
                board,
                pipelines,
                mine: query.view == "mine",
                can_edit: can(&caller, Action::Edit),
            };
            render(&view, StatusCode::OK)
        }
        (Err(error), _) | (_, Err(error)) => error_page(error, &caller, lang),
    }
}

#[derive(Template)]
#[template(path = "opportunity.html")]
pub(super) struct RecordView {
    shell: Shell,
    /// Who may join the team, and the member being added as typed.
    people: Vec<kuijing_service::users::UserView>,
    pub(super) team_form: super::teams::TeamForm,
    can_team: bool,
    detail: OpportunityDetail,
    errors: FormErrors,
    methods: Vec<super::customers::Choice>,
    can_follow_up: bool,
    can_delete: bool,
    can_contract: bool,
    fields: Vec<FieldDef>,
    attachments: Vec<Attachment>,
    composer: Composer,
    follow_up_choices: kuijing_service::follow_ups::FollowUpChoices,
    timeline: Vec<TimelineEntry>,
}

impl RecordView {
    fn stage_name(&self, id: &i64) -> String {
        self.detail
            .pipeline
            .stage(*id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// Whether a stage lies before the opportunity's one (done) in the pipeline.
    fn passed(&self, id: &i64) -> bool {
        let at = |stage: i64| {
            self.detail
                .pipeline
                .stages
                .iter()
                .position(|s| s.id == stage)
        };
        match (at(*id), at(self.detail.row.opportunity.stage_id)) {
            (Some(stage), Some(current)) => stage < current,
            _ => false,
        }
    }

    fn open(&self) -> bool {
        self.detail.row.opportunity.outcome == Outcome::Open
    }

    /// Which zone the next contact time is typed in.
    fn zone_hint(&self) -> String {
        self.shell
            .t("customers.zone_hint")
            .replace("%{zone}", self.shell.zone.name())
    }

    fn weighted(&self) -> String {
        let o = &self.detail.row.opportunity;
        self.shell.money(
            &money::weighted(o.amount, self.detail.row.win_rate),
            &o.currency,
        )
    }
}

pub(super) async fn record_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<RecordView, ServiceError> {
    let detail = state.app.get_opportunity(caller, id).await?;
    let can_team = detail.can_edit && can(caller, Action::Team);
    let people = if can_team {
        super::records::people(state, caller, Kind::Opportunity).await
    } else {
        Vec::new()
    };
    let choices = super::customers::Choices::load(state).await?;
    let title = detail.row.opportunity.name.clone();
    let mut shell =
        Shell::new(state, caller, lang, "/opportunities", "opportunities.title").with_notice(done);
    shell.title = title;
    let follow_up_choices = state
        .app
        .follow_up_choices(caller, Some(detail.row.opportunity.customer_id))
        .await?;
    let approvals = state
        .app
        .timeline_approvals(caller, (Kind::Opportunity, id))
        .await?;
    let methods: std::collections::BTreeMap<i64, String> = choices
        .methods
        .iter()
        .map(|m| (m.id, m.label.clone()))
        .collect();
    let timeline = TimelineEntry::merge(&detail.follow_ups, approvals, &methods);
    Ok(RecordView {
        people,
        team_form: Default::default(),
        can_team,
        composer: Composer::default(),
        follow_up_choices,
        timeline,
        can_follow_up: caller.can(Permission::new(Kind::FollowUp, Action::Create)),
        can_delete: can(caller, Action::Delete) && detail.can_edit,
        can_contract: caller.can(Permission::new(Kind::Contract, Action::Create)),
        fields: state.app.custom_fields(Kind::Opportunity).await?,
        attachments: state
            .app
            .list_attachments(caller, Kind::Opportunity, detail.row.opportunity.id)
            .await?,
        methods: choices.methods,
        detail,
        errors,
        shell,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        record_view(
            &state,
            &caller,
            lang,
            id,
            FormErrors::default(),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    stage_id: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
    /// `board` when the move comes from the board.
    #[serde(default)]
    from: String,
}

/// A stage change from the record page or the board. The board's script
/// asks for JSON and moves the card itself; without it, the page reloads.
pub async fn move_stage(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    headers: HeaderMap,
    Form(form): Form<MoveForm>,
) -> Response {
    let input = MoveInput {
        stage_id: optional_number(&form.stage_id),
        outcome: optional_text(&form.outcome),
        reason: optional_text(&form.reason),
    };
    let via = if form.from == "board" {
        "board"
    } else {
        "form"
    };
    let result = state.app.move_opportunity(&caller, id, &input, via).await;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return match result {
            Ok(moved) => axum::Json(moved).into_response(),
            Err(error) => crate::error::ApiError::from_service(error, lang, &caller.request_id)
                .into_response(),
        };
    }
    let back = if via == "board" {
        // Back to the board of the card's own pipeline, where it now stands.
        match &result {
            Ok(moved) => format!("/opportunities/board?pipeline_id={}", moved.pipeline_id),
            Err(_) => "/opportunities/board".to_string(),
        }
    } else {
        format!("/opportunities/{id}")
    };
    on_record(&state, &caller, lang, id, result, (&back, "saved")).await
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: axum::extract::Multipart,
) -> Response {
    let (composer, files) = Composer::read(multipart).await;
    let result = match composer.input(state.app.time_zone()) {
        Ok(input) => {
            state
                .app
                .add_opportunity_follow_up(&caller, id, input, files)
                .await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let error = match result {
        Ok(_) => return done(&format!("/opportunities/{id}#follow-ups"), "saved"),
        Err(error) => error,
    };
    // Refused: the page again with what was typed and why.
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, &caller, lang);
    };
    match record_view(&state, &caller, lang, id, errors, None).await {
        Ok(mut view) => {
            view.composer = composer;
            render(&view, super::forms::status_of(&error))
        }
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn delete_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let result = state.app.delete_opportunity(&caller, id).await;
    on_record(
        &state,
        &caller,
        lang,
        id,
        result,
        ("/opportunities", "deleted"),
    )
    .await
}

/// How many product lines the form offers; the script adds more.
const LINE_ROWS: usize = 3;

#[derive(Debug, Default, Deserialize)]
pub struct OpportunityForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    pipeline_id: String,
    #[serde(default)]
    stage_id: String,
    #[serde(default)]
    amount: String,
    /// The currency chosen; blank leaves it to the service (the record's,
    /// else its first product's, else the company's).
    #[serde(default)]
    currency: String,
    #[serde(default)]
    expected_close_on: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    line_product: Vec<String>,
    #[serde(default)]
    line_quantity: Vec<String>,
    #[serde(default)]
    line_price: Vec<String>,
    #[serde(default)]
    line_discount: Vec<String>,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

/// One row of the lines editor as typed.
pub struct LineRow {
    pub product: String,
    pub quantity: String,
    pub price: String,
    pub discount: String,
}

/// Product lines from the editor's columns; rows without a product are
/// left out, so empty rows cost nothing.
pub fn line_inputs(
    products: &[String],
    quantities: &[String],
    prices: &[String],
    discounts: &[String],
) -> Vec<LineInput> {
    let text = |list: &[String], index: usize| -> Option<DecimalText> {
        list.get(index)
            .and_then(|v| optional_text(v))
            .map(DecimalText::Text)
    };
    products
        .iter()
        .enumerate()
        .filter_map(|(index, product)| {
            Some(LineInput {
                product_id: optional_number(product)?,
                quantity: text(quantities, index),
                price: text(prices, index),
                discount: text(discounts, index),
            })
        })
        .collect()
}

/// The editor's rows: what was typed, and empty rows up to a few more.
pub fn line_rows(
    products: &[String],
    quantities: &[String],
    prices: &[String],
    discounts: &[String],
) -> Vec<LineRow> {
    let at = |list: &[String], index: usize| list.get(index).cloned().unwrap_or_default();
    let typed = products.iter().filter(|p| !p.trim().is_empty()).count();
    let mut rows: Vec<LineRow> = (0..products.len())
        .filter(|index| !products[*index].trim().is_empty())
        .map(|index| LineRow {
            product: at(products, index),
            quantity: at(quantities, index),
            price: at(prices, index),
            discount: at(discounts, index),
        })
        .collect();
    for _ in typed..typed.max(LINE_ROWS).max(typed + 1) {
        rows.push(LineRow {
            product: String::new(),
            quantity: String::new(),
            price: String::new(),
            discount: String::new(),
        });
    }
    rows
}

impl conflict::Take for OpportunityForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "name" => &mut self.name,
            "customer_id" => &mut self.customer_id,
            "pipeline_id" => &mut self.pipeline_id,
            "stage_id" => &mut self.stage_id,
            "amount" => &mut self.amount,
            "currency" => &mut self.currency,
            "expected_close_on" => &mut self.expected_close_on,
            "notes" => &mut self.notes,
            "lines" => {
                let [products, quantities, prices, discounts] = conflict::lines_of(value);
                self.line_product = products;
                self.line_quantity = quantities;
                self.line_price = prices;
                self.line_discount = discounts;
                return;
            }
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

impl OpportunityForm {
    fn input(&self) -> OpportunityInput {
        OpportunityInput {
            name: self.name.clone(),
            customer_id: optional_number(&self.customer_id).unwrap_or(-1),
            pipeline_id: optional_number(&self.pipeline_id),
            stage_id: optional_number(&self.stage_id),
            amount: optional_text(&self.amount).map(DecimalText::Text),
            currency: optional_text(&self.currency),
            expected_close_on: self.expected_close_on.trim().parse().ok(),
            unread: unread_dates(&[("expected_close_on", &self.expected_close_on)]),
            next_contact_at: None,
            notes: optional_text(&self.notes),
            lines: line_inputs(
                &self.line_product,
                &self.line_quantity,
                &self.line_price,
                &self.line_discount,
            ),
            contact_ids: Vec::new(),
            custom: self.custom.input(),
            version: optional_number(&self.version),
        }
    }

    fn of(detail: &OpportunityDetail) -> Self {
        let o = &detail.row.opportunity;
        let mut form = Self {
            name: o.name.clone(),
            customer_id: o.customer_id.to_string(),
            pipeline_id: o.pipeline_id.to_string(),
            stage_id: o.stage_id.to_string(),
            amount: if o.amount_by_hand {
                money::amount_text_in(o.amount, &o.currency)
            } else {
                String::new()
            },
            currency: o.currency.clone(),
            expected_close_on: o
                .expected_close_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            notes: o.notes.clone().unwrap_or_default(),
            version: o.version.to_string(),
            custom: CustomValues::of(&o.custom),
            ..Self::default()
        };
        for line in &detail.lines {
            form.line_product.push(line.product_id.to_string());
            form.line_quantity.push(money::quantity_text(line.quantity));
            form.line_price
                .push(money::amount_text_in(line.price, &form.currency));
            form.line_discount.push(money::discount_text(line.discount));
        }
        form
    }

    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[FieldDef]) -> conflict::Values {
        let lines = conflict::lines_value(
            &self.line_product,
            &self.line_quantity,
            &self.line_price,
            &self.line_discount,
        );
        let mut values: conflict::Values = [
            ("name", self.name.clone()),
            ("customer_id", self.customer_id.trim().to_string()),
            ("pipeline_id", self.pipeline_id.trim().to_string()),
            ("stage_id", self.stage_id.trim().to_string()),
            ("amount", self.amount.clone()),
            ("currency", self.currency.trim().to_string()),
            ("expected_close_on", self.expected_close_on.clone()),
            ("notes", self.notes.clone()),
            ("lines", lines),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        values.extend(conflict::custom_values(defs, |k| self.custom.value(k)));
        values
    }

    fn rows(&self) -> Vec<LineRow> {
        line_rows(
            &self.line_product,
            &self.line_quantity,
            &self.line_price,
            &self.line_discount,
        )
    }
}

#[derive(Template)]
#[template(path = "opportunity_form.html")]
struct FormView {
    shell: Shell,
    id: Option<i64>,
    form: OpportunityForm,
    rows: Vec<LineRow>,
    errors: FormErrors,
    customers: Vec<Choice>,
    pipelines: Vec<Pipeline>,
    products: Vec<Product>,
    /// The currencies offered, the form's among them.
    currencies: Vec<String>,
    /// The custom fields of opportunities, in their order.
    fields: Vec<FieldDef>,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<conflict::Conflict>,
}

impl FormView {
    fn is(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

async fn form_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    mut form: OpportunityForm,
    errors: FormErrors,
) -> Result<FormView, ServiceError> {
    let mut customers = state.app.customer_choices(caller, 200).await?;
    // The customer the form names stays offered even beyond the first 200.
    if let Some(chosen) = optional_number(&form.customer_id)
        && !customers.iter().any(|(c, _)| *c == chosen)
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.insert(0, (chosen, found.view.customer.name));
    }
    let products = state
        .app
        .list_products(
            caller,
            &ProductListQuery {
                on_sale: Some(true),
                ..ProductListQuery::default()
            },
            PageRequest {
                cursor: None,
                limit: Some(PageRequest::MAX_LIMIT),
                anchor: None,
            },
        )
        .await
        .map(|page| page.items)
        .unwrap_or_default();
    let title = if id.is_some() {
        "opportunities.edit"
    } else {
        "opportunities.new"
    };
    let fields = state.app.custom_fields(Kind::Opportunity).await?;
    // A new one is in the company currency unless another is chosen.
    if form.currency.trim().is_empty() {
        form.currency = state.app.currency();
    }
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = conflict::mark(&form.values(&fields));
    }
    Ok(FormView {
        shell: Shell::new(state, caller, lang, "/opportunities", title),
        id,
        fields,
        rows: form.rows(),
        currencies: currency_choices(&form.currency),
        form,
        errors,
        customers,
        pipelines: state.app.pipelines(caller).await?,
        products,
        conflict: None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    customer_id: String,
}

pub async fn new_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<NewQuery>,
) -> Response {
    if !can(&caller, Action::Create) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = OpportunityForm {
        customer_id: query.customer_id,
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Opportunity)
                .await
                .unwrap_or_default(),
        ),
        ..OpportunityForm::default()
    };
    answer(
        form_view(&state, &caller, lang, None, form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<OpportunityForm>,
) -> Response {
    let result = state.app.create_opportunity(&caller, form.input()).await;
    after_post(
        result,
        |detail| {
            done(
                &format!("/opportunities/{}", detail.row.opportunity.id),
                "created",
            )
        },
        async |errors| form_view(&state, &caller, lang, None, form, errors).await,
        &caller,
        lang,
    )
    .await
}

pub async fn edit_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_opportunity(&caller, id).await {
        Ok(detail) if detail.can_edit => detail,
        Ok(_) => {
            let refused = super::forms::not_writable(can(&caller, Action::Edit));
            return error_page(refused, &caller, lang);
        }
        Err(error) => return error_page(error, &caller, lang),
    };
    let form = OpportunityForm::of(&detail);
    answer(
        form_view(&state, &caller, lang, Some(id), form, FormErrors::default()).await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_opportunity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<OpportunityForm>,
) -> Response {
    let result = match state
        .app
        .update_opportunity(&caller, id, form.input())
        .await
    {
        Err(error @ ServiceError::Changed { .. }) => {
            return stale_opportunity(&state, &caller, lang, (id, form), error).await;
        }
        result => result,
    };
    after_post(
        result,
        |_| done(&format!("/opportunities/{id}"), "saved"),
        async |errors| form_view(&state, &caller, lang, Some(id), form, errors).await,
        &caller,
        lang,
    )
    .await
}

/// The form again after a save met a newer version: every entry kept,
/// their version taken (so saving again is a deliberate overwrite), and
/// what they changed shown beside what was typed.
async fn stale_opportunity(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, form): (i64, OpportunityForm),
    error: ServiceError,
) -> Response {
    let detail = match state.app.get_opportunity(caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, caller, lang),
    };
    let defs = match state.app.custom_fields(Kind::Opportunity).await {
        Ok(defs) => defs,
        Err(error) => return error_page(error, caller, lang),
    };
    let stored = OpportunityForm::of(&detail);
    let o = &detail.row.opportunity;
    let mut names = conflict::Names::new("opportunity", lang, &defs);
    let mut customers = vec![(o.customer_id.to_string(), o.customer_name.clone())];
    if let Some(chosen) = optional_number(&form.customer_id)
        && chosen != o.customer_id
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.push((chosen.to_string(), found.view.customer.name));
    }
    names.option("customer_id", customers);
    let mut pipelines = vec![detail.pipeline.clone()];
    pipelines.extend(state.app.pipelines(caller).await.unwrap_or_default());
    for pipeline in &pipelines {
        names.option(
            "pipeline_id",
            [(pipeline.id.to_string(), pipeline.name.clone())],
        );
        names.option(
            "stage_id",
            pipeline
                .stages
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone())),
        );
    }
    let theirs = stored.values(&defs);
    let yours = form.values(&defs);
    let shown = conflict::with_lines(
        (state, caller),
        &mut names,
        (&form.read, &theirs, &yours),
        detail
            .lines
            .iter()
            .map(|l| (l.product_id, l.product_name.clone())),
        format!("/opportunities/{id}/edit"),
    )
    .await;
    let mut form = form;
    let read = std::mem::take(&mut form.read);
    conflict::Take::take_theirs(&mut form, &read, &theirs, &yours);
    let form = OpportunityForm {
        version: stored.version,
        read: conflict::mark(&theirs),
        ..form
    };
    let page = form_view(state, caller, lang, Some(id), form, FormErrors::default())
        .await
        .map(|mut page| {
            page.conflict = Some(shown);
            page
        });
    answer(page, status_of(&error), caller, lang)
}

#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    keep_former_owner: String,
    #[serde(default)]
    stage_id: String,
    /// `1` when the batch is every opportunity that matches the list's filter.
    #[serde(default)]
    all_matching: String,
    /// The list's query, for "all that match".
    #[serde(default)]
    matching: String,
}

impl BatchForm {
    /// The ticked ids, unless the batch is all that match.
    fn ids(&self) -> Vec<i64> {
        if self.all_matching == "1" {
            return Vec::new();
        }
        self.ids
            .iter()
            .filter_map(|id| optional_number(id))
            .collect()
    }

    fn matching(&self) -> Option<OpportunityMatch> {
        (self.all_matching == "1").then(|| query_of::<ListQuery>(&self.matching).matching())
    }

    /// The list to come back to, with its filter.
    fn list_path(&self) -> String {
        let query = without_notices(&self.matching);
        if query.is_empty() {
            "/opportunities".to_string()
        } else {
            format!("/opportunities?{query}")
        }
    }
}

/// After a batch action: the list again with its filter and how many the
/// action touched.
fn batch_done(form: &BatchForm, count: u64) -> Response {
    let path = form.list_path();
    let separator = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{separator}done=batch_done&n={count}"))
        .into_response()
}

/// The ticked opportunities (or all that match) deleted, all or none.
pub async fn delete_many(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = kuijing_service::opportunities::OpportunityBatch {
        ids: form.ids(),
        matching: form.matching(),
    };
    match state.app.delete_opportunities(&caller, &batch).await {
        Ok(count) => batch_done(&form, count),
        Err(error) => super::approvals::refused(
            &state,
            &caller,
            lang,
            (error, "/opportunities", "/opportunities"),
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    format: String,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    all_matching: String,
    #[serde(default)]
    matching: String,
}

/// Exports the list as filtered, the ticked rows, or all that match, in the
/// columns the user chose.
pub async fn export(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    headers: axum::http::HeaderMap,
    Params(query): Params<ListQuery>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportForm>,
) -> Response {
    let (query, ids) = if extra.all_matching == "1" {
        (query_of::<ListQuery>(&extra.matching), None)
    } else {
        let ids: Vec<String> = extra
            .ids
            .iter()
            .filter(|i| !i.trim().is_empty())
            .cloned()
            .collect();
        (query, (!ids.is_empty()).then(|| ids.join(",")))
    };
    let format = if extra.format.is_empty() {
        "xlsx"
    } else {
        extra.format.as_str()
    };
    let filter = query.export(ids);
    crate::api::exports_page(
        &state,
        (&caller, &headers),
        lang,
        "opportunities",
        (Some(format), &filter),
    )
    .await
}

/// The ticked opportunities given to another owner.
pub async fn transfer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let input = kuijing_service::opportunities::OpportunityTransferInput {
        ids: form.ids(),
        matching: form.matching(),
        owner_id: optional_number(&form.owner_id).unwrap_or(-1),
        keep_former_owner: optional_text(&form.keep_former_owner),
    };
    match state.app.transfer_opportunities(&caller, &input).await {
        Ok(count) => batch_done(&form, count),
        Err(error) => super::approvals::refused(
            &state,
            &caller,
            lang,
            (error, "/opportunities", "/opportunities"),
        ),
    }
}

/// The ticked opportunities moved to one stage, all or none.
pub async fn move_many(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let input = kuijing_service::opportunities::BulkMoveInput {
        ids: form.ids(),
        matching: form.matching(),
        change: MoveInput {
            stage_id: optional_number(&form.stage_id),
            outcome: None,
            reason: None,
        },
    };
    match state.app.move_opportunities(&caller, &input).await {
        Ok(count) => batch_done(&form, count),
        Err(error) => super::approvals::refused(
            &state,
            &caller,
            lang,
            (error, "/opportunities", "/opportunities"),
        ),
    }
}

/// The list with its import box as an upload left it (or opened for one).
pub(super) async fn list_with_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    shown: ImportBox,
) -> Response {
    answer(
        list_view(state, caller, lang, ListQuery::default(), Some(shown)).await,
        StatusCode::OK,
        caller,
        lang,
    )
}

/// After an action on the record's page: back to the page it names with a
/// confirmation, or the record's page again with what refused it.
async fn on_record<T>(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    result: Result<T, ServiceError>,
    (path, what): (&str, &str),
) -> Response {
    after_post(
        result,
        |_| done(path, what),
        async |errors| record_view(state, caller, lang, id, errors, None).await,
        caller,
        lang,
    )
    .await
}
