//! The board: a column per stage of a pipeline, cards moved by dragging or
//! by a menu.

use super::*;

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
