//! A funnel per active pipeline the viewer may use: open opportunities per
//! stage with their forecast, and those won and lost in the period.

use super::*;

impl App {
    /// The funnels over the days `[from, to)`, amounts in `currency`.
    pub(super) async fn funnels(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        opportunity_owners: &Option<Vec<i64>>,
        (from, to): (NaiveDate, NaiveDate),
        currency: &str,
    ) -> Result<Vec<Funnel>> {
        let mut funnels = Vec::new();
        let usable = self.pipelines_in(tx, caller).await?;
        let at = (self.start_of(from), self.start_of(to));
        for pipeline in usable.into_iter().filter(|p| p.active) {
            // Only open opportunities stand at a stage; won and lost ones
            // are counted beside the stages, never in them.
            let open =
                insight::open_by_stage(tx, owned_by(opportunity_owners), pipeline.id).await?;
            let stages: Vec<FunnelStage> = pipeline
                .stages
                .iter()
                .map(|stage| {
                    let in_currency = open
                        .iter()
                        .filter(|s| s.stage_id == stage.id && s.currency == currency);
                    FunnelStage {
                        stage_id: stage.id,
                        name: stage.name.clone(),
                        win_rate: stage.win_rate * 10,
                        count: in_currency.clone().map(|s| s.count).sum(),
                        amount: in_currency.clone().map(|s| s.amount).sum(),
                        forecast: in_currency.map(|s| s.forecast()).sum(),
                    }
                })
                .collect();
            let opportunities = owned_by(opportunity_owners);
            let won = Figure::of(insight::closed(tx, opportunities, pipeline.id, "won", at).await?);
            let lost =
                Figure::of(insight::closed(tx, opportunities, pipeline.id, "lost", at).await?);
            funnels.push(Funnel {
                pipeline_id: pipeline.id,
                name: pipeline.name.clone(),
                forecast: stages.iter().map(|s| s.forecast).sum(),
                left_out: left_out_of_funnel(&open, (&won, &lost), currency),
                stages,
                won,
                lost,
            });
        }
        Ok(funnels)
    }
}
