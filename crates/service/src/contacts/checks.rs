//! A contact as typed checked into the fields it is stored with, and what
//! of them changed for the change log.

use super::*;

impl App {
    /// A contact belongs to a customer the caller may change.
    pub(crate) async fn check_contact_customer(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        customer: i64,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        let visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
        let today = self.today();
        if !customers::writable(tx, &visibility, caller.user.id, today, customer).await? {
            // One the caller reads through a read-only team membership is
            // named as such, not as a customer they cannot see.
            let seen = customers::get(tx, &visibility, caller.user.id, today, customer, &[])
                .await?
                .is_some();
            errors.add(
                "customer_id",
                if seen {
                    "customer_read_only"
                } else if self.seen_only_in_pool(tx, caller, customer).await? {
                    // A pool member reads the customer and may claim it.
                    "pool_claim_first"
                } else {
                    "customer_unknown"
                },
            );
        }
        Ok(())
    }

    /// Checks a contact as typed into the fields it is stored with.
    pub(crate) async fn check_contact(
        &self,
        tx: &mut Tx,
        input: ContactInput,
        new: bool,
        errors: &mut FieldErrors,
    ) -> Result<ContactFields> {
        let name = errors
            .take("name", text::parse_name(&input.name, 50))
            .unwrap_or_default();
        let optional = |errors: &mut FieldErrors, field: &str, value: Option<String>, max| {
            errors
                .take(field, text::parse_optional_text(value.as_deref(), max))
                .flatten()
        };
        let email = match optional(errors, "email", input.email, 254) {
            Some(email) => errors.take("email", text::parse_email(&email)),
            None => None,
        };
        let mobile = crate::input::half_width_text(errors, "mobile", input.mobile, 50);
        let phone = crate::input::half_width_text(errors, "phone", input.phone, 50);
        crate::input::check_phones(
            errors,
            [("mobile", mobile.as_deref()), ("phone", phone.as_deref())],
        );
        crate::input::check_next_contact(errors, input.next_contact_at, self.now());
        let defs = self.field_defs_in(tx, Kind::Contact).await?;
        Ok(ContactFields {
            customer_id: input.customer_id,
            name,
            mobile,
            phone,
            email,
            post: optional(errors, "post", input.post, 50),
            decision_maker: input.decision_maker,
            is_primary: input.is_primary,
            address: optional(errors, "address", input.address, 300),
            postcode: crate::input::postcode(errors, input.postcode),
            notes: optional(errors, "notes", input.notes, 5000),
            custom: crate::customers::custom_of(&defs, &input.custom, new, errors),
            next_contact_at: input.next_contact_at,
        })
    }
}

/// The fields of a contact that changed, for the change log.
/// What creating a contact logs, from its form or an import: its fields
/// (the owner is the record's own, shown beside the log).
pub(crate) fn created(fields: &ContactFields) -> Vec<kuijing_domain::FieldChange> {
    let mut diff = Diff::new();
    describe(&mut diff, None, Some(fields));
    diff.into_fields()
}

pub(crate) fn describe(diff: &mut Diff, old: Option<&ContactFields>, new: Option<&ContactFields>) {
    type Get = fn(&ContactFields) -> Option<String>;
    let texts: [(&str, Get); 11] = [
        ("customer_id", |f| Some(f.customer_id.to_string())),
        ("name", |f| Some(f.name.clone())),
        ("mobile", |f| f.mobile.clone()),
        ("phone", |f| f.phone.clone()),
        ("email", |f| f.email.clone()),
        ("post", |f| f.post.clone()),
        ("address", |f| f.address.clone()),
        ("postcode", |f| f.postcode.clone()),
        ("notes", |f| f.notes.clone()),
        ("decision_maker", |f| Some(f.decision_maker.to_string())),
        ("is_primary", |f| Some(f.is_primary.to_string())),
    ];
    for (field, get) in texts {
        diff.field(field, old.and_then(get), new.and_then(get));
    }
    let next = |f: &ContactFields| f.next_contact_at.map(|t| t.to_rfc3339());
    diff.field("next_contact_at", old.and_then(next), new.and_then(next));
    crate::customers::describe_custom(diff, old.map(|f| &f.custom), new.map(|f| &f.custom));
}
