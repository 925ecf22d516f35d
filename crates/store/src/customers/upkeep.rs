//! One-time rewrites of customers written before a column or key existed.

use sea_query::{Expr, Order, Query, SimpleExpr};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Customers;

use super::CustomerFields;
use super::writes::keys;

/// Reads the region of customers written before it was kept from their
/// one-line address, once: the city and district (and a province) go to
/// their columns and the address keeps the rest, the detail line. Each row's
/// mark is cleared with its update, so running it again changes nothing.
pub(crate) async fn fill_regions(tx: &mut Tx) -> Result<u64> {
    let mut filled = 0;
    loop {
        let select = Query::select()
            .columns([Customers::Id, Customers::Address])
            .expr(Expr::cust(
                "(province is not null or city is not null or district is not null)",
            ))
            .from(Customers::Table)
            .and_where(Expr::col(Customers::RegionPending).eq(true))
            .order_by(Customers::Id, Order::Asc)
            .limit(500)
            .to_owned();
        let rows: Vec<(i64, Option<String>, bool)> = tx.all(&select).await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, address, has_region) in rows {
            let mut values: Vec<(Customers, SimpleExpr)> =
                vec![(Customers::RegionPending, false.into())];
            let region = kuijing_domain::region::split_address(address.as_deref().unwrap_or(""));
            // A region already given is the user's word and stays.
            if region.city.is_some() && !has_region {
                values.extend([
                    (Customers::Province, region.province.into()),
                    (Customers::City, region.city.into()),
                    (Customers::District, region.district.into()),
                    (Customers::Address, region.detail.into()),
                ]);
                if let Some(code) = region.postcode {
                    values.push((Customers::Postcode, code.into()));
                }
                filled += 1;
            }
            let update = Query::update()
                .table(Customers::Table)
                .values(values)
                .and_where(Expr::col(Customers::Id).eq(id))
                .and_where(Expr::col(Customers::RegionPending).eq(true))
                .to_owned();
            tx.execute(&update).await?;
        }
    }
}

/// Makes the search text and match keys of customers written before they
/// were made as they are now (migration 0032 marks them), a page at a time;
/// each row's mark is cleared with its update, so running it again changes
/// nothing and a start that stops half-way goes on where it stopped.
pub(crate) async fn rebuild_search(tx: &mut Tx) -> Result<u64> {
    let mut rebuilt = 0;
    loop {
        let select = Query::select()
            .columns([
                Customers::Id,
                Customers::Name,
                Customers::Phone,
                Customers::Mobile,
                Customers::Email,
                Customers::TaxId,
            ])
            .from(Customers::Table)
            .and_where(crate::record::search_pending(tx.backend()))
            .order_by(Customers::Id, Order::Asc)
            .limit(500)
            .to_owned();
        type Row = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = tx.all(&select).await?;
        if rows.is_empty() {
            return Ok(rebuilt);
        }
        for (id, name, phone, mobile, email, tax_id) in rows {
            let fields = CustomerFields {
                name,
                phone,
                mobile,
                email,
                tax_id,
                ..CustomerFields::default()
            };
            let (name_key, phone_key, mobile_key, search) = keys(&fields);
            let update = Query::update()
                .table(Customers::Table)
                .values([
                    (Customers::NameKey, name_key.into()),
                    (Customers::PhoneKey, phone_key.into()),
                    (Customers::MobileKey, mobile_key.into()),
                    (Customers::SearchText, search.into()),
                    (Customers::SearchPending, false.into()),
                ])
                .and_where(Expr::col(Customers::Id).eq(id))
                .to_owned();
            tx.execute(&update).await?;
            rebuilt += 1;
        }
    }
}
