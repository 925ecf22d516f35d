//! The fields a customer list filters and sorts on, and its query as the
//! store reads it.

use kuijing_domain::fields::FieldDef;
use kuijing_store::customers::CustomerQuery;
use kuijing_store::schema::Customers;

use crate::error::Result;
use crate::list_filters::{ListSpec, RecordQuery, Shape};
use crate::{App, Caller};
use kuijing_store::lists::Shown;

pub(crate) const CUSTOMER_LIST: ListSpec<Customers> = ListSpec {
    kind: "customers",
    fields: &[
        ("name", Customers::Name, Shape::Text),
        ("phone", Customers::PhoneKey, Shape::Phone),
        ("mobile", Customers::MobileKey, Shape::Phone),
        ("email", Customers::Email, Shape::Text),
        ("website", Customers::Website, Shape::Text),
        ("address", Customers::Address, Shape::Text),
        ("postcode", Customers::Postcode, Shape::Code),
        ("province", Customers::Province, Shape::Text),
        ("city", Customers::City, Shape::Text),
        ("district", Customers::District, Shape::Text),
        ("tax_id", Customers::TaxId, Shape::Code),
        ("notes", Customers::Notes, Shape::Text),
        ("level_id", Customers::LevelId, Shape::Choice),
        ("industry_id", Customers::IndustryId, Shape::Choice),
        ("source_id", Customers::SourceId, Shape::Choice),
        ("owner_id", Customers::OwnerId, Shape::Choice),
        ("dealt", Customers::Dealt, Shape::Bool),
        ("locked", Customers::Locked, Shape::Bool),
        ("created_at", Customers::CreatedAt, Shape::Time),
        ("updated_at", Customers::UpdatedAt, Shape::Time),
        ("last_follow_up_at", Customers::LastFollowUpAt, Shape::Time),
        ("next_contact_at", Customers::NextContactAt, Shape::Time),
    ],
    sortable: &[
        "id",
        "name",
        "phone",
        "mobile",
        "email",
        "website",
        "address",
        "postcode",
        "province",
        "city",
        "district",
        "tax_id",
        "notes",
        "level_id",
        "industry_id",
        "source_id",
        "owner_id",
        "dealt",
        "locked",
        "created_at",
        "updated_at",
        "last_follow_up_at",
        "next_contact_at",
    ],
    sort_only: &[],
    shown: &[
        ("level_id", Shown::Option),
        ("industry_id", Shown::Option),
        ("source_id", Shown::Option),
        ("owner_id", Shown::User),
    ],
    id: Customers::Id,
    owner: Customers::OwnerId,
    created: Customers::CreatedAt,
};

impl App {
    /// Turns the filter inputs into store filters, refusing unknown fields
    /// and operators by name.
    pub(crate) fn customer_store_query(
        &self,
        caller: &Caller,
        org: &kuijing_domain::OrgChart,
        defs: &[FieldDef],
        query: &RecordQuery,
    ) -> Result<CustomerQuery> {
        let narrowed = self.list_narrowing(&CUSTOMER_LIST, (caller, org), defs, query)?;
        Ok(CustomerQuery {
            search: narrowed.search,
            filters: narrowed.filters,
            pool: None,
            ids: None,
        })
    }
}
