//! A save that met a newer version of its record. The form comes back with
//! everything the user typed and a box naming what the other person changed
//! since the form was opened — the field, their value and the user's — with
//! "Save over" (the form's own submit, now carrying the newer version) and
//! "Reload" (the edit page of the record as stored now). No script needed.
//!
//! The values a form was opened with travel in its hidden `_read` field, so
//! the box names what the other person changed rather than everything the
//! user changed; a form sent without it compares the stored record with
//! what was typed.

use std::collections::{BTreeMap, HashMap};

use kuijing_domain::fields::FieldDef;

use crate::i18n::Lang;

/// The fields of a form in order, each with its value as the form holds it
/// (ids as numbers, ticks as `1`, custom fields as `custom.<key>`).
pub type Values = Vec<(String, String)>;

/// The values a form was opened with, for its hidden `_read` field.
pub fn mark(values: &Values) -> String {
    let map: BTreeMap<&str, &str> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    serde_json::to_string(&map).unwrap_or_default()
}

/// The custom fields of a form, in their order, for [`Values`].
pub fn custom_values(defs: &[FieldDef], value: impl Fn(&str) -> String) -> Values {
    defs.iter()
        .map(|d| (format!("custom.{}", d.key), value(&d.key)))
        .collect()
}

/// How the fields of one form are named and their values shown.
pub struct Names {
    kind: &'static str,
    lang: Lang,
    labels: HashMap<String, String>,
    /// Fields whose values are ids or codes, with the text of each.
    options: HashMap<String, HashMap<String, String>>,
}

impl Names {
    /// The system fields are named as records of `kind` call them; custom
    /// fields by their labels.
    pub fn new(kind: &'static str, lang: Lang, defs: &[FieldDef]) -> Self {
        let mut names = Self {
            kind,
            lang,
            labels: HashMap::new(),
            options: HashMap::new(),
        };
        for def in defs {
            names
                .labels
                .insert(format!("custom.{}", def.key), def.label.clone());
            if def.field_type.as_str() == "bool" {
                names.option(
                    &format!("custom.{}", def.key),
                    [
                        ("true".to_string(), lang.t("customers.yes")),
                        ("false".to_string(), lang.t("customers.no")),
                    ],
                );
            }
        }
        names
    }

    /// The text of each value of a field (an option's id and its label).
    pub fn option(&mut self, field: &str, texts: impl IntoIterator<Item = (String, String)>) {
        self.options
            .entry(field.to_string())
            .or_default()
            .extend(texts);
    }

    /// A tick box: ticked is "Yes", not ticked "No".
    pub fn tick(&mut self, field: &str) {
        let yes = self.lang.t("customers.yes");
        let no = self.lang.t("customers.no");
        self.option(field, [("1".to_string(), yes), (String::new(), no)]);
    }

    fn label_of(&self, field: &str) -> String {
        self.labels
            .get(field)
            .cloned()
            .unwrap_or_else(|| crate::error::field_label_in_kind(field, self.kind, self.lang))
    }

    fn shown(&self, field: &str, value: &str) -> String {
        let value = value.trim();
        if let Some(text) = self.options.get(field).and_then(|o| o.get(value)) {
            return text.clone();
        }
        if value.is_empty() {
            "—".to_string()
        } else {
            value.to_string()
        }
    }
}

/// One field the other person changed.
pub struct ConflictRow {
    pub label: String,
    pub theirs: String,
    pub yours: String,
}

/// What the box shows.
pub struct Conflict {
    pub rows: Vec<ConflictRow>,
    /// The edit page of the record as stored now ("Reload").
    pub reload: String,
}

impl Conflict {
    /// The fields whose stored value (`theirs`) is no longer the one the
    /// form was opened with (`read`, the `_read` field's text), beside what
    /// the user typed (`yours`). Without `read`, every field where the
    /// stored value and the typed one differ.
    pub fn new(read: &str, theirs: &Values, yours: &Values, names: &Names, reload: String) -> Self {
        let read: Option<BTreeMap<String, String>> = serde_json::from_str(read).ok();
        let typed: HashMap<&str, &str> = yours
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let rows = theirs
            .iter()
            .filter_map(|(field, stored)| {
                let yours = typed.get(field.as_str()).copied().unwrap_or("");
                let changed = match read.as_ref().and_then(|r| r.get(field)) {
                    Some(before) => before.trim() != stored.trim(),
                    // A field the form did not have when it was opened (a
                    // custom field added meanwhile) counts as changed when
                    // it differs from what is sent now.
                    None => stored.trim() != yours.trim(),
                };
                changed.then(|| ConflictRow {
                    label: names.label_of(field),
                    theirs: names.shown(field, stored),
                    yours: names.shown(field, yours),
                })
            })
            .collect();
        Self { rows, reload }
    }
}

/// Names the options of the customer's choice fields (level, industry,
/// source), retired ones included, since a record may still hold them.
pub async fn customer_option_names(state: &crate::AppState, names: &mut Names) {
    let Ok(by_field) = state.app.customer_options().await else {
        return;
    };
    for field in ["level_id", "industry_id", "source_id"] {
        if let Some(options) = by_field.get(field) {
            names.option(
                field,
                options.iter().map(|o| (o.id.to_string(), o.label.clone())),
            );
        }
    }
}

/// Product lines as one field: each row that names a product as
/// `product|quantity|price|discount`, one row a line.
pub fn lines_value(
    products: &[String],
    quantities: &[String],
    prices: &[String],
    discounts: &[String],
) -> String {
    let at = |list: &[String], index: usize| {
        list.get(index)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    products
        .iter()
        .enumerate()
        .filter(|(_, product)| !product.trim().is_empty())
        .map(|(index, product)| {
            format!(
                "{}|{}|{}|{}",
                product.trim(),
                at(quantities, index),
                at(prices, index),
                at(discounts, index)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Shows the product lines of `values` (as [`lines_value`] writes them)
/// as "product × quantity @ price − discount", products by name.
pub fn name_lines(names: &mut Names, values: &[&str], products: &HashMap<String, String>) {
    let shown: Vec<(String, String)> = values
        .iter()
        .filter(|raw| !raw.is_empty())
        .map(|raw| {
            let text = raw
                .lines()
                .map(|line| {
                    let parts: Vec<&str> = line.split('|').collect();
                    let part = |i: usize| parts.get(i).copied().unwrap_or("");
                    let name = products
                        .get(part(0))
                        .cloned()
                        .unwrap_or_else(|| part(0).to_string());
                    let mut text = format!("{name} × {}", part(1));
                    if !part(2).is_empty() {
                        text.push_str(&format!(" @ {}", part(2)));
                    }
                    if !part(3).is_empty() {
                        text.push_str(&format!(" − {}", part(3)));
                    }
                    text
                })
                .collect::<Vec<_>>()
                .join("; ");
            (raw.to_string(), text)
        })
        .collect();
    names.option("lines", shown);
}

/// The names of products on sale, with those of `lines` (a record's own,
/// perhaps no longer on sale), by id.
pub async fn product_names(
    state: &crate::AppState,
    caller: &kuijing_service::Caller,
    lines: impl IntoIterator<Item = (i64, String)>,
) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = lines
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let query = kuijing_service::products::ProductListQuery {
        on_sale: Some(true),
        ..Default::default()
    };
    let page = kuijing_service::PageRequest {
        cursor: None,
        limit: Some(kuijing_service::PageRequest::MAX_LIMIT),
    };
    if let Ok(products) = state.app.list_products(caller, &query, page).await {
        for product in products.items {
            names.entry(product.id.to_string()).or_insert(product.name);
        }
    }
    names
}

/// The box of a record with product lines (an opportunity, a contract):
/// its lines shown by product name (the record's own products, and those on
/// sale), then the fields the other person changed.
pub async fn with_lines(
    (state, caller): (&crate::AppState, &kuijing_service::Caller),
    names: &mut Names,
    (read, theirs, yours): (&str, &Values, &Values),
    stored_lines: impl IntoIterator<Item = (i64, String)>,
    reload: String,
) -> Conflict {
    let lines = |values: &Values| {
        values
            .iter()
            .find(|(k, _)| k == "lines")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let products = product_names(state, caller, stored_lines).await;
    name_lines(names, &[&lines(theirs), &lines(yours)], &products);
    Conflict::new(read, theirs, yours, names, reload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn names_only_what_the_other_person_changed() {
        let read = mark(&values(&[("name", "Acme"), ("phone", "1"), ("email", "")]));
        let theirs = values(&[("name", "Acme"), ("phone", "1"), ("email", "a@b.tw")]);
        let yours = values(&[("name", "Acme Ltd"), ("phone", "1"), ("email", "")]);
        let names = Names::new("customer", Lang::En, &[]);
        let conflict = Conflict::new(&read, &theirs, &yours, &names, "/x".into());
        assert_eq!(conflict.rows.len(), 1);
        assert_eq!(conflict.rows[0].theirs, "a@b.tw");
        assert_eq!(conflict.rows[0].yours, "—");
    }

    #[test]
    fn without_what_was_read_every_difference_is_named() {
        let theirs = values(&[("name", "Acme"), ("level_id", "3")]);
        let yours = values(&[("name", "Acme Ltd"), ("level_id", "3")]);
        let mut names = Names::new("customer", Lang::En, &[]);
        names.option("level_id", [("3".to_string(), "Gold".to_string())]);
        let conflict = Conflict::new("", &theirs, &yours, &names, "/x".into());
        assert_eq!(conflict.rows.len(), 1);
        assert_eq!(conflict.rows[0].theirs, "Acme");
        assert_eq!(conflict.rows[0].yours, "Acme Ltd");
    }
}
