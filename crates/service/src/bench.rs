//! A large company for the benchmark: the demo company, then as many more
//! customers as asked, with follow-ups, approved contracts and payments
//! spread over two years and over every demo user, so lists, search, the
//! dashboard and the reports read tables of a real size.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Kind, text};
use kuijing_store::contracts::ContractFields;
use kuijing_store::customers::CustomerFields;
use kuijing_store::follow_ups::NewFollowUp;
use kuijing_store::payments::PaymentFields;
use kuijing_store::{contracts, customers, follow_ups, payments, users};

use crate::App;
use crate::demo::DEMO_CURRENCY;
use crate::error::{Result, ServiceError};

/// Rows written per transaction: large enough to be quick, small enough
/// that SQLite's journal and PostgreSQL's locks stay modest.
const BATCH: usize = 5_000;

/// Words company names are made of, so a search has something to find
/// among many similar names.
const WORDS: &[&str] = &[
    "台灣", "中華", "遠東", "大同", "統一", "長榮", "華新", "國泰", "新光", "宏達", "聯華", "南亞",
    "東元", "光寶", "正新", "台達",
];
const TRADES: &[&str] = &[
    "電子", "精密", "化學", "紡織", "物流", "食品", "建設", "資訊", "生技", "能源",
];

/// What was added to the demo company.
#[derive(Debug, Default)]
pub struct Filled {
    pub customers: usize,
    pub follow_ups: usize,
    pub contracts: usize,
    pub payments: usize,
}

/// The instant of row `index` of `count`, spread evenly over 2016 and 2017
/// (the demo's years).
fn spread(index: usize, count: usize) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2016, 1, 1, 1, 0, 0).single();
    let start = start.unwrap_or_else(Utc::now);
    let seconds = 2 * 365 * 24 * 3600_i64;
    let step = seconds / i64::try_from(count.max(1)).unwrap_or(1);
    start + Duration::seconds(step * i64::try_from(index).unwrap_or(0))
}

impl App {
    /// Adds `count` customers to a company that holds the demo: every tenth
    /// with a follow-up, every twentieth with an approved contract and its
    /// payment. The writes skip the change log; they stand for years of use.
    pub async fn fill_for_benchmark(&self, count: usize) -> Result<Filled> {
        let mut tx = self.db.read().await?;
        let people: Vec<i64> = users::all_names(&mut tx)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        drop(tx);
        let Some(&admin) = people.first() else {
            return Err(ServiceError::Refused {
                code: "demo_needs_empty",
            });
        };
        let mut filled = Filled::default();
        let mut index = 0;
        while index < count {
            let end = (index + BATCH).min(count);
            let mut tx = self.db.write().await?;
            for i in index..end {
                let at = spread(i, count);
                let owner = people[i % people.len()];
                let name = format!(
                    "{}{}{}股份有限公司",
                    WORDS[i % WORDS.len()],
                    TRADES[(i / WORDS.len()) % TRADES.len()],
                    i
                );
                let name = text::parse_name(&name, 100)
                    .map_err(|r| ServiceError::Internal(format!("bench name {}", r.code)))?;
                let fields = CustomerFields {
                    name: name.clone(),
                    phone: Some(format!("02-{:04}-{:04}", (i / 10_000) % 10_000, i % 10_000)),
                    city: Some(BENCH_CITIES[i % BENCH_CITIES.len()].0.to_string()),
                    district: Some(BENCH_CITIES[i % BENCH_CITIES.len()].1.to_string()),
                    address: Some(format!("松仁路{}號", i % 500 + 1)),
                    tax_id: Some(format!("{:08}", i % 100_000_000)),
                    ..CustomerFields::default()
                };
                let customer =
                    customers::insert(&mut tx, &fields, Some(owner), None, admin, at).await?;
                filled.customers += 1;
                if i % 10 == 0 {
                    let happened = at + Duration::days(3);
                    let note = "電話聯繫，約下週拜訪";
                    let follow_up = NewFollowUp {
                        kind: "customer",
                        record_id: customer,
                        method_id: None,
                        content: note,
                        happened_at: happened,
                        next_contact_at: None,
                        author_id: owner,
                    };
                    follow_ups::insert(&mut tx, &follow_up, happened).await?;
                    follow_ups::touch_record(
                        &mut tx,
                        Kind::Customer,
                        customer,
                        happened,
                        note,
                        None,
                    )
                    .await?;
                    filled.follow_ups += 1;
                }
                if i % 20 == 0 {
                    self.bench_deal(&mut tx, (customer, &name), owner, at, i)
                        .await?;
                    filled.contracts += 1;
                    filled.payments += 1;
                }
            }
            tx.commit().await?;
            index = end;
            tracing::info!(customers = index, "benchmark company growing");
        }
        Ok(filled)
    }

    /// An approved contract of the customer with its payment received.
    async fn bench_deal(
        &self,
        tx: &mut kuijing_store::Tx,
        (customer, name): (i64, &str),
        owner: i64,
        at: DateTime<Utc>,
        index: usize,
    ) -> Result<()> {
        let signed = at + Duration::days(20);
        let amount = 100_000 + i64::try_from(index % 97).unwrap_or(0) * 25_000;
        let number = format!("B{index:08}");
        let contract = ContractFields {
            name: number.clone(),
            customer_id: customer,
            signed_on: Some(signed.date_naive()),
            amount,
            amount_by_hand: true,
            currency: DEMO_CURRENCY.into(),
            ..ContractFields::default()
        };
        let id = contracts::insert(tx, &contract, (&number, name), owner, (owner, signed)).await?;
        contracts::set_status(tx, id, DocStatus::Draft, DocStatus::Approved, signed).await?;
        let payment = PaymentFields {
            exceeding_confirmed: false,
            contract_id: id,
            plan_id: None,
            received_on: signed.date_naive(),
            method_id: None,
            amount,
            currency: DEMO_CURRENCY.into(),
            notes: None,
            custom: Default::default(),
        };
        let paid = payments::insert(tx, &payment, (&number, name), owner, (owner, signed)).await?;
        payments::set_status(tx, paid, DocStatus::Draft, DocStatus::Approved, signed).await?;
        contracts::set_received(tx, id, amount).await?;
        customers::mark_dealt(tx, customer, signed).await?;
        Ok(())
    }
}

/// Cities and districts the measured customers are spread over.
const BENCH_CITIES: &[(&str, &str)] = &[
    ("臺北市", "信義區"),
    ("臺北市", "中正區"),
    ("新北市", "板橋區"),
    ("桃園市", "中壢區"),
    ("臺中市", "西屯區"),
    ("臺南市", "東區"),
    ("高雄市", "前鎮區"),
    ("新竹縣", "竹北市"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_spread_over_the_demo_years_in_order() {
        let first = spread(0, 1_000);
        let last = spread(999, 1_000);
        assert_eq!(first.format("%Y-%m-%d").to_string(), "2016-01-01");
        assert_eq!(last.format("%Y").to_string(), "2017");
        assert!(spread(500, 1_000) > first && spread(500, 1_000) < last);
    }
}
