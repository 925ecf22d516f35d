//! A customer's fields as the change log compares them.

use kuijing_domain::change::Diff;
use kuijing_domain::customer::Customer;
use kuijing_store::customers::CustomerFields;

pub(crate) fn fields_of(c: &Customer) -> CustomerFields {
    CustomerFields {
        name: c.name.clone(),
        level_id: c.level_id,
        industry_id: c.industry_id,
        source_id: c.source_id,
        phone: c.phone.clone(),
        mobile: c.mobile.clone(),
        email: c.email.clone(),
        website: c.website.clone(),
        address: c.address.clone(),
        postcode: c.postcode.clone(),
        province: c.province.clone(),
        city: c.city.clone(),
        district: c.district.clone(),
        tax_id: c.tax_id.clone(),
        notes: c.notes.clone(),
        custom: c.custom.clone(),
        next_contact_at: c.next_contact_at,
    }
}

/// What creating a customer logs, from its form or an import: its fields
/// and its owner (a customer may start without one, in a pool).
pub(crate) fn created(fields: &CustomerFields, owner: i64) -> Vec<kuijing_domain::FieldChange> {
    let mut diff = Diff::new();
    describe(&mut diff, None, Some(fields));
    diff.field("owner_id", None, Some(owner.to_string()));
    diff.into_fields()
}

pub(crate) fn describe(
    diff: &mut Diff,
    old: Option<&CustomerFields>,
    new: Option<&CustomerFields>,
) {
    diff.field(
        "name",
        old.map(|f| f.name.clone()),
        new.map(|f| f.name.clone()),
    );
    diff.field(
        "level_id",
        old.and_then(|f| f.level_id),
        new.and_then(|f| f.level_id),
    );
    diff.field(
        "industry_id",
        old.and_then(|f| f.industry_id),
        new.and_then(|f| f.industry_id),
    );
    diff.field(
        "source_id",
        old.and_then(|f| f.source_id),
        new.and_then(|f| f.source_id),
    );
    for (field, get) in [
        (
            "phone",
            (|f: &CustomerFields| f.phone.clone()) as fn(&CustomerFields) -> Option<String>,
        ),
        ("mobile", |f| f.mobile.clone()),
        ("email", |f| f.email.clone()),
        ("website", |f| f.website.clone()),
        ("postcode", |f| f.postcode.clone()),
        ("province", |f| f.province.clone()),
        ("city", |f| f.city.clone()),
        ("district", |f| f.district.clone()),
        ("address", |f| f.address.clone()),
        ("tax_id", |f| f.tax_id.clone()),
        ("notes", |f| f.notes.clone()),
    ] {
        diff.field(field, old.and_then(get), new.and_then(get));
    }
    diff.field(
        "next_contact_at",
        old.and_then(|f| f.next_contact_at.map(|t| t.to_rfc3339())),
        new.and_then(|f| f.next_contact_at.map(|t| t.to_rfc3339())),
    );
    describe_custom(diff, old.map(|f| &f.custom), new.map(|f| &f.custom));
}

type Custom = serde_json::Map<String, serde_json::Value>;

/// The custom fields that changed, for the change log of any kind.
pub(crate) fn describe_custom(diff: &mut Diff, old: Option<&Custom>, new: Option<&Custom>) {
    let none = Custom::new();
    diff.custom(old.unwrap_or(&none), new.unwrap_or(&none));
}
