//! The contract and payment lists in any order their columns give: each
//! column the lists show, and a contract's custom fields.

use kuijing_domain::{Action, Kind};
use kuijing_store::contracts::{self, Contract};
use kuijing_store::lists::{Shown, Sort};
use kuijing_store::payments::{self, Payment};
use kuijing_store::schema::{Contracts, Payments};

use super::{
    ContractListQuery, ContractRow, CurrencyTotal, contract, contract_store_query, invalid, payment,
};
use crate::error::Result;
use crate::payments::{PaymentListQuery, payment_store_query};
use crate::sorted_pages::{
    By, Column, Read, anchor_cursor, anchor_value, carried, last_shown, parse_sort,
};
use crate::{App, Caller, ListPage, PageRequest};

/// The columns a contract list sorts by, as the API and the page's headers
/// name them; custom fields (`custom.<key>`) sort too.
const CONTRACT_SORTS: &[Column<Contracts>] = &[
    text("number", Contracts::Number),
    text("name", Contracts::Name),
    shown("customer_id", Contracts::CustomerId, Shown::Customer),
    plain("signed_on", Contracts::SignedOn, Read::Day),
    plain("starts_on", Contracts::StartsOn, Read::Day),
    plain("ends_on", Contracts::EndsOn, Read::Day),
    plain("amount", Contracts::Amount, Read::Int),
    plain("received", Contracts::Received, Read::Int),
    Column {
        name: "outstanding",
        column: Contracts::Amount,
        by: By::Computed(contracts::outstanding_value, false),
        field: "outstanding",
        read: Read::Int,
    },
    Column {
        name: "status",
        column: Contracts::Status,
        by: By::Computed(contracts::status_rank, false),
        field: "status",
        read: Read::Rank(doc_status_rank),
    },
    shown("owner_id", Contracts::OwnerId, Shown::User),
    plain("created_at", Contracts::CreatedAt, Read::Time),
    plain("updated_at", Contracts::UpdatedAt, Read::Time),
];

/// The columns a payment list sorts by; custom fields (`custom.<key>`)
/// sort too.
const PAYMENT_SORTS: &[Column<Payments>] = &[
    text("number", Payments::Number),
    shown("contract_id", Payments::ContractId, Shown::Contract),
    Column {
        name: "customer_id",
        column: Payments::ContractId,
        by: By::Computed(payments::customer_name_value, true),
        field: "customer_name",
        read: Read::Text,
    },
    plain("received_on", Payments::ReceivedOn, Read::Day),
    plain("amount", Payments::Amount, Read::Int),
    shown("method_id", Payments::MethodId, Shown::Option),
    Column {
        name: "status",
        column: Payments::Status,
        by: By::Computed(payments::status_rank, false),
        field: "status",
        read: Read::Rank(doc_status_rank),
    },
    shown("owner_id", Payments::OwnerId, Shown::User),
    plain("created_at", Payments::CreatedAt, Read::Time),
    plain("updated_at", Payments::UpdatedAt, Read::Time),
];

/// A contract's or payment's status as its place in the business order
/// (draft, in approval, approved, rejected, withdrawn, void): statuses sort
/// so, the same in every language.
fn doc_status_rank(code: &str) -> Option<i64> {
    kuijing_domain::sales::DocStatus::parse(code)
        .ok()
        .map(|s| s.rank())
}

/// Whether a contract list sorts by the column (custom fields sort too).
pub fn contract_sorts_by(column: &str) -> bool {
    column.starts_with("custom.") || CONTRACT_SORTS.iter().any(|c| c.name == column)
}

/// Whether a payment list sorts by the column (custom fields sort too).
pub fn payment_sorts_by(column: &str) -> bool {
    column.starts_with("custom.") || PAYMENT_SORTS.iter().any(|c| c.name == column)
}

const fn text<C>(name: &'static str, column: C) -> Column<C> {
    Column {
        name,
        column,
        by: By::Text,
        field: name,
        read: Read::Text,
    }
}

const fn plain<C>(name: &'static str, column: C, read: Read) -> Column<C> {
    Column {
        name,
        column,
        by: By::Plain,
        field: name,
        read,
    }
}

const fn shown<C>(name: &'static str, column: C, shown: Shown) -> Column<C> {
    Column {
        name,
        column,
        by: By::Shown(shown),
        field: name,
        read: Read::Int,
    }
}

impl App {
    /// A page of contracts in the order `sort` names (a column of
    /// `CONTRACT_SORTS` or `custom.<key>`, `-` first for descending; the
    /// newest first when none). Ties break on the id, empty values last.
    pub async fn list_contracts_sorted(
        &self,
        caller: &Caller,
        query: &ContractListQuery,
        sort_text: Option<&str>,
        page: PageRequest,
    ) -> Result<(ListPage<ContractRow>, Vec<CurrencyTotal>)> {
        caller.require(contract(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Contract).await?;
        let today = self.today();
        let store_query = contract_store_query(caller, query, today)?;
        let scope = (&visibility, caller.user.id, today);
        let defs = self.field_defs_in(&mut tx, Kind::Contract).await?;
        let newest = Sort::by(Contracts::Id, true);
        let sort = parse_sort(CONTRACT_SORTS, (Contracts::Id, newest), &defs, sort_text)?
            .in_language(&caller.language);
        let after = match (page.cursor, carried(&page)) {
            (Some(id), Some(value)) => Some((value, id)),
            (Some(id), None) => {
                let anchor = contracts::get(&mut tx, scope, id)
                    .await?
                    .ok_or_else(|| invalid("cursor", "invalid_cursor"))?;
                let row = shown_contract(anchor);
                let value = anchor_value(CONTRACT_SORTS, &sort, sort_text, &row);
                Some((value, id))
            }
            (None, _) => None,
        };
        let probe = page.probe();
        let sorted = sort.clone();
        let found =
            contracts::list_sorted(&mut tx, scope, &store_query, sort, after, probe.limit).await?;
        let next_value = last_shown(&found, probe.limit - 1).map(|row| {
            anchor_value(
                CONTRACT_SORTS,
                &sorted,
                sort_text,
                &shown_contract(row.clone()),
            )
        });
        let totals: Vec<CurrencyTotal> = contracts::totals(&mut tx, scope, &store_query)
            .await?
            .into_iter()
            .map(
                |(currency, count, approved, amount, received)| CurrencyTotal {
                    currency,
                    count,
                    approved,
                    amount,
                    received,
                },
            )
            .collect();
        let total = totals.iter().map(|t| t.count).sum();
        let rows = self.contract_rows(&mut tx, found).await?;
        let mut list = ListPage::new(rows, total, probe.limit - 1, |r| r.contract.id);
        list.next_cursor = anchor_cursor(list.next_cursor, sort_text, next_value);
        Ok((list, totals))
    }

    /// A page of payments in the order `sort` names (a column of
    /// `PAYMENT_SORTS` or `custom.<key>`, `-` first for descending; the newest first when
    /// none). Ties break on the id, empty values last.
    pub async fn list_payments_sorted(
        &self,
        caller: &Caller,
        query: &PaymentListQuery,
        sort_text: Option<&str>,
        page: PageRequest,
    ) -> Result<(ListPage<Payment>, Vec<CurrencyTotal>)> {
        caller.require(payment(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self.visibility_of(&mut tx, caller, Kind::Payment).await?;
        let scope = (&visibility, caller.user.id, self.today());
        let mut store_query = payment_store_query(caller, query)?;
        store_query.filters = self.payment_filters(&mut tx, &query.filters).await?;
        let defs = self.field_defs_in(&mut tx, Kind::Payment).await?;
        let newest = Sort::by(Payments::Id, true);
        let sort = parse_sort(PAYMENT_SORTS, (Payments::Id, newest), &defs, sort_text)?
            .in_language(&caller.language);
        let after = match (page.cursor, carried(&page)) {
            (Some(id), Some(value)) => Some((value, id)),
            (Some(id), None) => {
                let anchor = payments::get(&mut tx, scope, id)
                    .await?
                    .ok_or_else(|| invalid("cursor", "invalid_cursor"))?;
                Some((anchor_value(PAYMENT_SORTS, &sort, sort_text, &anchor), id))
            }
            (None, _) => None,
        };
        let probe = page.probe();
        let sorted = sort.clone();
        let found =
            payments::list_sorted(&mut tx, scope, &store_query, sort, after, probe.limit).await?;
        let next_value = last_shown(&found, probe.limit - 1)
            .map(|row| anchor_value(PAYMENT_SORTS, &sorted, sort_text, row));
        let totals: Vec<CurrencyTotal> = payments::totals(&mut tx, scope, &store_query)
            .await?
            .into_iter()
            .map(|(currency, count, approved, received)| CurrencyTotal {
                currency,
                count,
                approved,
                amount: received,
                received,
            })
            .collect();
        let total = totals.iter().map(|t| t.count).sum();
        let mut list = ListPage::new(found, total, probe.limit - 1, |p| p.id);
        list.next_cursor = anchor_cursor(list.next_cursor, sort_text, next_value);
        Ok((list, totals))
    }
}

/// A contract as the list shows it, for the value a page starts after.
fn shown_contract(contract: Contract) -> ContractRow {
    ContractRow::of(contract, None)
}
