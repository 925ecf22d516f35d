//! What the dashboard's brief, funnels, trend and rankings leave out:
//! money in other currencies than the company's, named with their currency
//! and how many.

use kuijing_service::dashboard::LeftOutMoney;

use super::{Shell, View};

impl View {
    /// How many records the money shown beside it counts: those in the
    /// dashboard's currency (the note names and counts the others), so the
    /// count and the money are of the same records.
    pub(super) fn counted(&self, figure: &kuijing_service::dashboard::Figure) -> i64 {
        figure.count_in(&self.board.currency)
    }

    /// The note under the trend.
    pub(super) fn trend_left_out(&self) -> Option<String> {
        left_out_money(
            &self.shell,
            &self.board.trend_left_out,
            &self.board.currency,
        )
    }

    /// The note under the brief.
    pub(super) fn brief_left_out(&self) -> Option<String> {
        left_out_money(
            &self.shell,
            &self.board.brief_left_out,
            &self.board.currency,
        )
    }

    /// The note under a funnel.
    pub(super) fn funnel_left_out(
        &self,
        funnel: &kuijing_service::dashboard::Funnel,
    ) -> Option<String> {
        left_out_money(&self.shell, &funnel.left_out, &self.board.currency)
    }

    /// The note under the rankings.
    pub(super) fn rankings_left_out(&self) -> Option<String> {
        left_out_money(
            &self.shell,
            &self.board.rankings_left_out,
            &self.board.currency,
        )
    }
}

/// "Not counted here: 3 contracts in EUR (EUR 1,200.00) …; these figures
/// are in USD." None when nothing is left out.
fn left_out_money(shell: &Shell, left: &[LeftOutMoney], currency: &str) -> Option<String> {
    (!left.is_empty()).then(|| {
        let list: Vec<String> = left
            .iter()
            .map(|l| {
                let (section, what) = match l.measure {
                    "payment_amount" => ("insight_fix9", "payments"),
                    "opportunity_amount" => ("insight_fix11", "opportunities"),
                    "open_amount" => ("insight_fix11", "open"),
                    "won_amount" => ("insight_fix11", "won"),
                    "lost_amount" => ("insight_fix11", "lost"),
                    _ => ("insight_fix9", "contracts"),
                };
                let many = if l.count == 1 { "one" } else { "many" };
                shell
                    .t(&format!("{section}.left_out.{what}_{many}"))
                    .replace("%{count}", &l.count.to_string())
                    .replace("%{currency}", &l.currency)
                    .replace("%{amount}", &shell.money(&l.amount, &l.currency))
            })
            .collect();
        shell
            .t("insight_fix9.left_out.note")
            .replace("%{list}", &list.join(&shell.t("insight_fix.separator")))
            .replace("%{currency}", currency)
    })
}
