//! The board: a pipeline's stages as columns, with their open
//! opportunities' count and amount per currency.

use super::*;

impl App {
    /// The board of a pipeline: its stages with the open opportunities that
    /// match, at most `per_stage` cards each.
    pub async fn opportunity_board(
        &self,
        caller: &Caller,
        pipeline_id: Option<i64>,
        query: &OpportunityListQuery,
        per_stage: u64,
    ) -> Result<Board> {
        caller.require(opportunity(Action::View))?;
        let mut tx = self.db.read().await?;
        let usable = self.pipelines_in(&mut tx, caller).await?;
        let pipeline = match pipeline_id {
            Some(id) => usable.into_iter().find(|p| p.id == id),
            None => usable.into_iter().next(),
        }
        .ok_or(ServiceError::NotFound)?;
        let visibility = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        let today = self.today();
        let mut store_query = self.opportunity_query(caller, query)?;
        store_query.pipeline = Some(pipeline.id);
        store_query.outcome = Some(Outcome::Open);
        let sums =
            opportunities::by_stage(&mut tx, &visibility, caller.user.id, today, &store_query)
                .await?;
        let mut columns = Vec::new();
        for stage in &pipeline.stages {
            let mut at_stage = store_query.clone();
            at_stage.stage = Some(stage.id);
            let cards = opportunities::list(
                &mut tx,
                &visibility,
                caller.user.id,
                today,
                &at_stage,
                (SortColumn::UpdatedAt, true),
                None,
                per_stage,
            )
            .await?;
            let mine: Vec<&(i64, String, i64, i64)> =
                sums.iter().filter(|(s, ..)| *s == stage.id).collect();
            columns.push(BoardColumn {
                stage_id: stage.id,
                name: stage.name.clone(),
                win_rate: stage.win_rate,
                count: mine.iter().map(|(_, _, count, _)| count).sum(),
                amounts: mine
                    .iter()
                    .map(|(_, currency, _, amount)| (currency.clone(), *amount))
                    .collect(),
                cards: self.opportunity_rows(&mut tx, cards).await?,
            });
        }
        let ids: Vec<i64> = columns
            .iter()
            .flat_map(|c| c.cards.iter().map(|card| card.opportunity.id))
            .collect();
        let movable = if caller.can(opportunity(Action::Edit)) {
            opportunities::writable_of(&mut tx, &visibility, caller.user.id, today, &ids).await?
        } else {
            Vec::new()
        };
        Ok(Board {
            pipeline,
            columns,
            movable,
        })
    }
}
