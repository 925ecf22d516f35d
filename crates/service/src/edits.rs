//! API edits keep what their body leaves out. The stored record is written
//! as the input an edit of its kind takes ([`App::stored_input`]), and the
//! body is laid over it ([`keep_absent`]): a field sent replaces the stored
//! one (`null` or `[]` clears it), a field left out keeps it, and custom
//! fields are kept or replaced one by one. The forms, which send every
//! field, do not go through here.

use kuijing_domain::{Kind, money};
use kuijing_store::line_items::LineItem;
use serde_json::{Map, Value, json};

use crate::error::{Result, ServiceError};
use crate::{App, Caller};

/// Lays `body` over `stored`: each key of an object body replaces the
/// stored value, except objects (the custom fields), which are laid over
/// key by key. A body that is not an object is returned as it is, for the
/// reader to refuse.
pub fn keep_absent(stored: Value, body: Value) -> Value {
    match (stored, body) {
        (Value::Object(mut kept), Value::Object(sent)) => {
            for (key, value) in sent {
                let merged = match (kept.remove(&key), value) {
                    (Some(old @ Value::Object(_)), new @ Value::Object(_)) => keep_absent(old, new),
                    (_, new) => new,
                };
                kept.insert(key, merged);
            }
            Value::Object(kept)
        }
        (_, body) => body,
    }
}

/// Product lines as an edit takes them.
fn lines_input(lines: &[LineItem]) -> Value {
    Value::Array(
        lines
            .iter()
            .map(|line| {
                json!({
                    "product_id": line.product_id,
                    "price": money::amount_text(line.price),
                    "quantity": money::quantity_text(line.quantity),
                    "discount": money::discount_text(line.discount),
                })
            })
            .collect(),
    )
}

/// An amount set by hand stays set; one that follows the lines (`null`)
/// goes on following them.
fn amount_input(amount: i64, by_hand: bool) -> Value {
    if by_hand {
        Value::String(money::amount_text(amount))
    } else {
        Value::Null
    }
}

impl App {
    /// The body of an API edit of the record `kind` `id`, with every field
    /// it leaves out taken from the stored record (see the module).
    pub async fn kept_input(
        &self,
        caller: &Caller,
        kind: Kind,
        id: i64,
        body: Value,
    ) -> Result<Value> {
        let stored = self.stored_input(caller, kind, id).await?;
        Ok(keep_absent(stored, body))
    }

    /// The stored record as the input of its kind's edit, with its version:
    /// a save after someone else's answers 409 rather than undo theirs.
    pub async fn stored_input(&self, caller: &Caller, kind: Kind, id: i64) -> Result<Value> {
        let custom = |stored: &Map<String, Value>| stored.clone();
        let (mut input, stored_custom) = match kind {
            Kind::Opportunity => {
                let found = self.get_opportunity(caller, id).await?;
                let o = &found.row.opportunity;
                let input = json!({
                    "name": o.name,
                    "customer_id": o.customer_id,
                    "amount": amount_input(o.amount, o.amount_by_hand),
                    "currency": o.currency,
                    "expected_close_on": o.expected_close_on,
                    "next_contact_at": o.next_contact_at,
                    "notes": o.notes,
                    "lines": lines_input(&found.lines),
                    "contact_ids": found.contacts.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
                    "version": o.version,
                });
                (input, custom(&o.custom))
            }
            Kind::Contract => {
                let found = self.get_contract(caller, id).await?;
                let c = &found.row.contract;
                let input = json!({
                    "number": c.number,
                    "name": c.name,
                    "customer_id": c.customer_id,
                    "opportunity_id": c.opportunity_id,
                    "signed_on": c.signed_on,
                    "starts_on": c.starts_on,
                    "ends_on": c.ends_on,
                    "amount": amount_input(c.amount, c.amount_by_hand),
                    "currency": c.currency,
                    "customer_signer_id": c.customer_signer_id,
                    "company_signer_id": c.company_signer_id,
                    "payment_method_id": c.payment_method_id,
                    "notes": c.notes,
                    "lines": lines_input(&found.lines),
                    "version": c.version,
                });
                (input, custom(&c.custom))
            }
            Kind::Payment => {
                let found = self.get_payment(caller, id).await?;
                let p = &found.payment;
                let input = json!({
                    "number": p.number,
                    "contract_id": p.contract_id,
                    "plan_id": p.plan_id,
                    "received_on": p.received_on,
                    "method_id": p.method_id,
                    "amount": money::amount_text(p.amount),
                    "notes": p.notes,
                    "version": p.version,
                });
                (input, custom(&p.custom))
            }
            Kind::Product => {
                let p = self.get_product(caller, id).await?;
                let input = json!({
                    "name": p.name,
                    "code": p.code,
                    "category_id": p.category_id,
                    "unit": p.unit,
                    "price": money::amount_text(p.price),
                    "currency": p.currency,
                    "on_sale": p.on_sale,
                    "description": p.description,
                    "version": p.version,
                });
                (input, custom(&p.custom))
            }
            Kind::Lead => {
                let found = self.get_lead(caller, id).await?;
                let l = &found.view.lead;
                let input = json!({
                    "name": l.name,
                    "contact_name": l.contact_name,
                    "mobile": l.mobile,
                    "phone": l.phone,
                    "email": l.email,
                    "address": l.address,
                    "postcode": l.postcode,
                    "level_id": l.level_id,
                    "industry_id": l.industry_id,
                    "source_id": l.source_id,
                    "notes": l.notes,
                    "next_contact_at": l.next_contact_at,
                    "version": l.version,
                });
                (input, custom(&l.custom))
            }
            Kind::Customer => {
                let found = self.get_customer(caller, id).await?;
                let c = &found.view.customer;
                let input = json!({
                    "name": c.name,
                    "level_id": c.level_id,
                    "industry_id": c.industry_id,
                    "source_id": c.source_id,
                    "phone": c.phone,
                    "mobile": c.mobile,
                    "email": c.email,
                    "website": c.website,
                    "postcode": c.postcode,
                    "province": c.province,
                    "city": c.city,
                    "district": c.district,
                    "address": c.address,
                    "tax_id": c.tax_id,
                    "notes": c.notes,
                    "next_contact_at": c.next_contact_at,
                    "version": c.version,
                });
                (input, custom(&c.custom))
            }
            Kind::Contact => {
                let found = self.get_contact(caller, id).await?;
                let c = &found.view.contact;
                let input = json!({
                    "customer_id": c.customer_id,
                    "name": c.name,
                    "mobile": c.mobile,
                    "phone": c.phone,
                    "email": c.email,
                    "post": c.post,
                    "decision_maker": c.decision_maker,
                    "is_primary": c.is_primary,
                    "address": c.address,
                    "postcode": c.postcode,
                    "notes": c.notes,
                    "next_contact_at": c.next_contact_at,
                    "version": c.version,
                });
                (input, custom(&c.custom))
            }
            _ => return Err(ServiceError::NotFound),
        };
        // Values of fields deleted since are not sent back to be refused.
        let mut tx = self.db.read().await?;
        let defs = self.field_defs_in(&mut tx, kind).await?;
        let kept: Map<String, Value> = stored_custom
            .into_iter()
            .filter(|(key, _)| defs.iter().any(|d| &d.key == key))
            .collect();
        input["custom"] = Value::Object(kept);
        Ok(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_fields_replace_left_out_ones_stay_and_custom_goes_key_by_key() {
        let stored = json!({
            "name": "Deal", "notes": "kept", "lines": [{ "product_id": 1 }],
            "custom": { "a": "1", "b": "2" }, "version": 3
        });
        let body = json!({ "name": "New", "lines": [], "notes": null, "custom": { "b": null } });
        assert_eq!(
            keep_absent(stored.clone(), body),
            json!({
                "name": "New", "notes": null, "lines": [],
                "custom": { "a": "1", "b": null }, "version": 3
            })
        );
        assert_eq!(keep_absent(stored.clone(), json!({})), stored);
        assert_eq!(keep_absent(stored, json!([1])), json!([1]));
    }
}
