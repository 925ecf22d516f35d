//! A customer as typed, checked into the fields it is stored with: owner,
//! choices, text lengths, phones, e-mail, website, region and custom fields.

use super::*;

impl App {
    /// An owner must be an active user whose customers the caller may see.
    pub(crate) async fn check_owner(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        org: &kuijing_domain::OrgChart,
        owner: i64,
        field: &str,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        self.check_owner_of(tx, (caller, org), Kind::Customer, owner, (field, errors))
            .await
    }

    pub(crate) async fn check_customer(
        &self,
        tx: &mut Tx,
        input: CustomerInput,
        new: bool,
        errors: &mut FieldErrors,
    ) -> Result<CustomerFields> {
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        check_choices(
            tx,
            [input.level_id, input.industry_id, input.source_id],
            errors,
        )
        .await?;
        let optional =
            |errors: &mut FieldErrors, field: &str, value: Option<String>, max: usize| {
                errors
                    .take(field, text::parse_optional_text(value.as_deref(), max))
                    .flatten()
            };
        let phone = crate::input::half_width_text(errors, "phone", input.phone, 50);
        let mobile = crate::input::half_width_text(errors, "mobile", input.mobile, 50);
        crate::input::check_phones(
            errors,
            [("phone", phone.as_deref()), ("mobile", mobile.as_deref())],
        );
        crate::input::check_next_contact(errors, input.next_contact_at, self.now());
        let email = match optional(errors, "email", input.email, 254) {
            Some(email) => errors.take("email", text::parse_email(&email)),
            None => None,
        };
        let website = match optional(errors, "website", input.website, 300) {
            Some(site) => errors.take("website", parse_website(&site)),
            None => None,
        };
        let defs = self.field_defs_in(tx, Kind::Customer).await?;
        let custom = custom_of(&defs, &input.custom, new, errors);
        Ok(CustomerFields {
            name,
            level_id: input.level_id,
            industry_id: input.industry_id,
            source_id: input.source_id,
            phone,
            mobile,
            email,
            website,
            address: optional(errors, "address", input.address, 300),
            postcode: crate::input::postcode(errors, input.postcode),
            province: optional(errors, "province", input.province, 50),
            city: optional(errors, "city", input.city, 50),
            district: optional(errors, "district", input.district, 50),
            tax_id: crate::input::half_width_text(errors, "tax_id", input.tax_id, 30),
            notes: optional(errors, "notes", input.notes, 5000),
            custom,
            next_contact_at: input.next_contact_at,
        })
    }
}

/// Reads the region from a one-line address when none was given apart: the
/// postal code leading it, the city and district (and a province) go to
/// their fields and the address keeps the rest.
pub(crate) fn read_region(input: &mut CustomerInput) {
    if input.province.is_some() || input.city.is_some() || input.district.is_some() {
        return;
    }
    let Some(address) = input.address.as_deref() else {
        return;
    };
    let region = kuijing_domain::region::split_address(address);
    if region.city.is_some() {
        // A postal code given apart is the user's word and stays.
        if input.postcode.is_none() {
            input.postcode = region.postcode;
        }
        input.province = region.province;
        input.city = region.city;
        input.district = region.district;
        input.address = region.detail;
    }
}

/// Level, industry and source must be options of customers (leads share them).
pub(crate) async fn check_choices(
    tx: &mut Tx,
    values: [Option<i64>; 3],
    errors: &mut FieldErrors,
) -> Result<()> {
    let choices = options::of_kind(tx, "customer").await?;
    for (field, value) in ["level_id", "industry_id", "source_id"]
        .into_iter()
        .zip(values)
    {
        if let Some(id) = value
            && !choices.iter().any(|o| o.field == field && o.id == id)
        {
            errors.add(field, "invalid_choice");
        }
    }
    Ok(())
}

/// The custom fields of a new record (defaults filled in, required ones
/// refused when left out) or of an edited one (a field left out kept as
/// stored, empty when it was).
pub(crate) fn custom_of(
    defs: &[kuijing_domain::fields::FieldDef],
    raw: &serde_json::Map<String, serde_json::Value>,
    new: bool,
    errors: &mut FieldErrors,
) -> serde_json::Map<String, serde_json::Value> {
    if new {
        fields::parse_custom(defs, raw, errors)
    } else {
        fields::parse_custom_edit(defs, raw, errors)
    }
}
