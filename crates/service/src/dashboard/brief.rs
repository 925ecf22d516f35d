//! The sales brief (new customers, contacts, opportunities, approved
//! contracts, payments received, follow-ups) against the period before, and
//! the rankings of the period.

use super::*;

/// A brief's figure: its key, whether it is money, the period's and the
/// period before's.
pub(super) type BriefFigure = (&'static str, bool, Figure, Figure);

impl App {
    /// The brief's figures over `now` and `before` (days `[from, to)`).
    pub(super) async fn brief_figures(
        &self,
        tx: &mut Tx,
        owners: &DrillOwners,
        (now, before): ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)),
    ) -> Result<Vec<BriefFigure>> {
        let instants = |(a, b): (NaiveDate, NaiveDate)| (self.start_of(a), self.start_of(b));
        let mut figures: Vec<BriefFigure> = Vec::new();
        for (key, range) in [("current", now), ("previous", before)] {
            let at = instants(range);
            let items = [
                (
                    "new_customers",
                    false,
                    Figure::counted(
                        customer_days::count(
                            tx,
                            Counted::Created,
                            owned_by(&owners.customers),
                            range,
                        )
                        .await?,
                    ),
                ),
                (
                    "new_contacts",
                    false,
                    Figure::counted(
                        insight::contacts_created(tx, owned_by(&owners.contacts), at).await?,
                    ),
                ),
                (
                    "new_opportunities",
                    true,
                    Figure::of(
                        insight::new_opportunities(tx, owned_by(&owners.opportunities), at).await?,
                    ),
                ),
                (
                    "contracts_approved",
                    true,
                    Figure::of(
                        insight::contracts_signed(tx, owned_by(&owners.contracts), range).await?,
                    ),
                ),
                (
                    "payments_received",
                    true,
                    Figure::of(
                        insight::payments_received(tx, owned_by(&owners.payments), range).await?,
                    ),
                ),
                (
                    "follow_ups",
                    false,
                    Figure::counted(
                        insight::follow_ups(tx, owned_by(&owners.follow_ups), at).await?,
                    ),
                ),
            ];
            for (index, (name, is_money, figure)) in items.into_iter().enumerate() {
                if key == "current" {
                    figures.push((name, is_money, figure, Figure::default()));
                } else {
                    figures[index].3 = figure;
                }
            }
        }
        Ok(figures)
    }

    /// The period's rankings of people: contract and payment amounts in
    /// `currency`, new customers and follow-ups.
    pub(super) async fn rankings(
        &self,
        tx: &mut Tx,
        owners: &DrillOwners,
        people: &[(i64, String)],
        now: (NaiveDate, NaiveDate),
        currency: &str,
    ) -> Result<Vec<Ranking>> {
        let instants = |(a, b): (NaiveDate, NaiveDate)| (self.start_of(a), self.start_of(b));
        let names: BTreeMap<i64, String> = people.iter().cloned().collect();
        let mut rankings = Vec::new();
        for (measure, is_money, owners) in [
            ("contract_amount", true, &owners.contracts),
            ("payment_amount", true, &owners.payments),
            ("new_customers", false, &owners.customers),
            ("follow_ups", false, &owners.follow_ups),
        ] {
            let ranked = insight::ranking(
                tx,
                owned_by(owners),
                measure,
                currency,
                (instants(now), now),
            )
            .await?;
            rankings.push(Ranking {
                measure,
                money: is_money,
                rows: ranked
                    .iter()
                    .map(|r| (names.get(&r.user_id).cloned().unwrap_or_default(), r.value))
                    .collect(),
                user_ids: ranked.iter().map(|r| r.user_id).collect(),
            });
        }
        Ok(rankings)
    }
}

/// The brief's items, each with its change: of the amount in `currency`
/// for money, else of the count.
pub(super) fn brief_items(figures: Vec<BriefFigure>, currency: &str) -> Vec<BriefItem> {
    figures
        .into_iter()
        .map(|(key, is_money, current, previous)| BriefItem {
            change: if is_money {
                change_tenths(current.amount_in(currency), previous.amount_in(currency))
            } else {
                change_tenths(current.count, previous.count)
            },
            key,
            money: is_money,
            current,
            previous,
        })
        .collect()
}
