//! Import of contracts from CSV or XLSX. Each row names its customer (one
//! the user may change), and optionally the opportunity (of that customer),
//! the signers (a contact of the customer; a user by name or phone), the
//! payment method and the owner (someone in the user's scope for contracts)
//! by name, and its product lines (a `lines` cell as an export writes it,
//! and one product with its quantity, price and discount in columns of
//! their own, `imports::line_columns`). Every row goes through the same
//! checks as a typed contract and is saved as a draft, to be submitted for
//! approval like any other; a blank number takes the next one of the number
//! rule. Nothing is written unless every row is right (or when only
//! checking).

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::{Tx, contacts, contracts, opportunities, options, products, users};

use crate::contracts::ContractInput;
use crate::error::Result;
use crate::imports::{self, Columns, ImportReport, Row, Upload, one_named};
use crate::products::DecimalText;
use crate::unique_fields::SeenInFile;
use crate::{App, Caller};

/// The fields a contract file may have.
pub const CONTRACT_COLUMNS: &[&str] = &[
    "number",
    "name",
    "customer_id",
    "opportunity_id",
    "amount",
    "currency",
    "signed_on",
    "starts_on",
    "ends_on",
    "customer_signer_id",
    "company_signer_id",
    "payment_method_id",
    "owner_id",
    "notes",
    "lines",
    "product_id",
    "quantity",
    "price",
    "discount",
];

/// Active users, looked up by phone or by name.
pub(crate) struct People(Vec<(i64, String, String, i64)>);

impl People {
    pub(crate) async fn load(tx: &mut Tx) -> Result<Self> {
        Ok(Self(users::active_people(tx).await?))
    }

    /// The name of an active user.
    pub(crate) fn name_of(&self, id: i64) -> Option<String> {
        self.0.iter().find(|p| p.0 == id).map(|p| p.1.clone())
    }

    /// The user a cell names: by phone first (phones are unique), else by name.
    pub(crate) fn find(&self, text: &str) -> Result<(i64, i64), &'static str> {
        if let Ok(phone) = kuijing_domain::text::parse_phone(text)
            && let Some((id, _, _, department)) = self.0.iter().find(|p| p.2 == phone)
        {
            return Ok((*id, *department));
        }
        let id = one_named(self.0.iter().map(|p| (p.0, p.1.as_str())), text).map_err(|code| {
            if code == "not_found" {
                "user_not_found"
            } else {
                code
            }
        })?;
        let department = self.0.iter().find(|p| p.0 == id).map(|p| p.3);
        Ok((id, department.unwrap_or_default()))
    }
}

/// Payment methods (the administrators' choices), found by label.
pub(crate) async fn payment_method(
    tx: &mut Tx,
    row: &Row<'_>,
) -> Result<Result<Option<i64>, &'static str>> {
    let Some(label) = row.optional("payment_method_id") else {
        return Ok(Ok(None));
    };
    let methods = options::of_field(tx, "payment", "method_id").await?;
    // By the name stored, else by a built-in method's name in another of
    // the product's languages (a file written in English for a company
    // that started in Chinese finds 銀行轉帳 by "Bank transfer").
    let named = |language: Option<&str>| {
        one_named(
            methods.iter().filter(|m| m.active).map(|m| {
                let shown = match language {
                    None => m.label.as_str(),
                    Some(language) => kuijing_domain::builtin_names::option_label(
                        ("payment", "method_id"),
                        m.builtin_key.as_deref(),
                        &m.label,
                        language,
                    ),
                };
                (m.id, shown)
            }),
            &label,
        )
    };
    let mut found = named(None);
    for language in ["zh-Hant", "zh-Hans", "en"] {
        if found != Err("not_found") {
            break;
        }
        found = named(Some(language));
    }
    Ok(found.map(Some).map_err(|code| {
        if code == "not_found" {
            "invalid_choice"
        } else {
            code
        }
    }))
}

impl App {
    pub async fn import_contracts(
        &self,
        caller: &Caller,
        upload: Upload<'_>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<ImportReport> {
        caller.require(Permission::new(Kind::Contract, Action::Import))?;
        caller.require(Permission::new(Kind::Contract, Action::Create))?;
        let mut report = ImportReport::default();
        let mut tx = self.db.write().await?;
        tx.lock_imports(Kind::Contract.as_str()).await?;
        let defs = self.field_defs_in(&mut tx, Kind::Contract).await?;
        let columns = Columns {
            fields: CONTRACT_COLUMNS,
            required: &["name", "customer_id"],
            aliases,
            custom: &defs,
        };
        let sheet = imports::open(&upload, &columns, &mut report)?;
        let products = products::keys(&mut tx).await?;
        let contract_scope = self.visibility_of(&mut tx, caller, Kind::Contract).await?;
        let people = People::load(&mut tx).await?;
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut unique = SeenInFile::default();
        for row in sheet.rows() {
            let at = row.number;
            let problems = report.problems.len();
            let number = row.optional("number");
            // A number twice in the file names the first row; the rest of
            // the row is still checked.
            // Numbers differing only in case are one number.
            let number_key = number.as_deref().map(|n| n.trim().to_lowercase());
            if let Some(key) = &number_key
                && let Some(first) = numbers.get(key)
            {
                report.duplicate(at, "number", *first);
            } else if let Some(key) = number_key {
                numbers.insert(key, at);
            }
            // The customer by its name, among those the user may change.
            let named = row.cell("customer_id");
            // Without its customer, the row's opportunity and signer cannot be
            // looked for; the rest is still checked.
            let customer = match self.customer_named(&mut tx, caller, &named, true).await? {
                Ok(id) => Some(id),
                Err(code) => {
                    report.problem(at, "customer_id", code);
                    None
                }
            };
            let opportunity_id = match (row.optional("opportunity_id"), customer) {
                (None, _) | (_, None) => None,
                (Some(name), Some(customer)) => {
                    let found = opportunities::names_of_customer(&mut tx, customer).await?;
                    match one_named(found.iter().map(|(id, n)| (*id, n.as_str())), &name) {
                        Ok(id) => Some(id),
                        Err(code) => {
                            report.problem(at, "opportunity_id", code);
                            None
                        }
                    }
                }
            };
            let customer_signer_id = match (row.optional("customer_signer_id"), customer) {
                (None, _) | (_, None) => None,
                (Some(name), Some(customer)) => {
                    let found = contacts::names_of_customer(&mut tx, customer).await?;
                    match one_named(found.iter().map(|(id, n)| (*id, n.as_str())), &name) {
                        Ok(id) => Some(id),
                        Err(code) => {
                            report.problem(at, "customer_signer_id", code);
                            None
                        }
                    }
                }
            };
            let company_signer_id = match row.optional("company_signer_id") {
                None => None,
                Some(text) => match people.find(&text) {
                    Ok((id, _)) => Some(id),
                    Err(code) => {
                        report.problem(at, "company_signer_id", code);
                        None
                    }
                },
            };
            let owner = match row.optional("owner_id") {
                None => None,
                Some(text) => match people.find(&text) {
                    Ok((id, department)) if contract_scope.sees(id, department) => Some(id),
                    Ok(_) => {
                        report.problem(at, "owner_id", "owner_out_of_scope");
                        None
                    }
                    Err(code) => {
                        report.problem(at, "owner_id", code);
                        None
                    }
                },
            };
            let payment_method_id = match payment_method(&mut tx, &row).await? {
                Ok(method) => method,
                Err(code) => {
                    report.problem(at, "payment_method_id", code);
                    None
                }
            };
            let mut dates = [None; 3];
            for (slot, field) in dates.iter_mut().zip(["signed_on", "starts_on", "ends_on"]) {
                match row.date(field) {
                    Ok(day) => *slot = day,
                    Err(code) => report.problem(at, field, code),
                }
            }
            let [signed_on, starts_on, ends_on] = dates;
            let mut lines = match imports::parse_lines(&row.cell("lines"), &products) {
                Ok(lines) => lines,
                Err(errors) => {
                    for (field, code) in errors {
                        report.problem(at, &field, code);
                    }
                    Vec::new()
                }
            };
            match imports::line_columns(&row, &products) {
                Ok(line) => lines.extend(line),
                Err(errors) => {
                    for (field, code) in errors {
                        report.problem(at, field, code);
                    }
                }
            }
            // Without an amount, the product lines give it, as in the form.
            let amount = row.optional("amount");
            if amount.is_none() && lines.is_empty() {
                report.problem(at, "amount", "amount_or_lines_required");
            }
            // The row is checked whole even when something above is wrong,
            // so that every problem is named at once; nothing is kept then.
            let input = ContractInput {
                number,
                name: row.cell("name"),
                customer_id: customer.unwrap_or_default(),
                opportunity_id,
                signed_on,
                starts_on,
                ends_on,
                amount: amount.map(DecimalText::Text),
                currency: row.optional("currency"),
                customer_signer_id,
                company_signer_id,
                payment_method_id,
                notes: row.optional("notes"),
                lines,
                custom: row.custom(),
                ..ContractInput::default()
            };
            // A unique value an earlier row has is named with that row.
            unique.check(&mut report, at, &defs, &input.custom);
            let made = self.insert_contract(&mut tx, caller, &input).await;
            let Some(id) = report.absorb_more(at, made)? else {
                continue;
            };
            if report.problems.len() > problems {
                continue;
            }
            if let Some(owner) = owner.filter(|o| *o != caller.user.id) {
                contracts::set_owner(&mut tx, &[id], owner, self.now()).await?;
                self.log_update(
                    &mut tx,
                    caller,
                    Kind::Contract,
                    id,
                    "owner_id",
                    Some(caller.user.id.to_string()),
                    Some(owner.to_string()),
                )
                .await?;
            }
            report.created += 1;
        }
        report
            .finish(
                tx,
                upload.check_only,
                (Kind::Contract.as_str(), caller.user.id),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_found_by_phone_or_by_name() {
        let people = People(vec![
            (1, "王小明".into(), "0912345678".into(), 10),
            (2, "Lee".into(), "0912000001".into(), 11),
            (3, "Lee".into(), "0912000002".into(), 11),
        ]);
        assert_eq!(people.find("王小明"), Ok((1, 10)));
        assert_eq!(people.find("0912-000-002"), Ok((3, 11)));
        assert_eq!(people.find("lee"), Err("ambiguous_name"));
        assert_eq!(people.find("Nobody"), Err("user_not_found"));
    }
}
