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
//!
//! A field only the other person changed (the user left it as read) takes
//! their value in the form shown again, so "Save over" keeps their change;
//! a field both changed keeps the user's value, and the box says which is
//! which.

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
            names.custom_field(&def.key, &def.label, def.field_type.as_str() == "bool");
        }
        names
    }

    /// A custom field (`custom.<key>`) named by its label; a yes/no one
    /// shows its values as "Yes" and "No".
    pub fn custom_field(&mut self, key: &str, label: &str, yes_no: bool) {
        let field = format!("custom.{key}");
        if yes_no {
            let yes = self.lang.t("customers.yes");
            let no = self.lang.t("customers.no");
            self.option(
                &field,
                [("true".to_string(), yes), ("false".to_string(), no)],
            );
        }
        self.labels.insert(field, label.to_string());
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

    pub fn label_of(&self, field: &str) -> String {
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

/// What the form shown again holds for a field the other person changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The user left it as read (or typed what they saved): the form holds
    /// their value and "Save over" keeps it.
    Theirs,
    /// Both changed it to different values: the form holds the user's, and
    /// "Save over" keeps it.
    Both,
}

/// A value as compared: without the spaces around it, and with the line
/// breaks a browser sends (`\r\n`) as the form shows them.
fn plain(value: &str) -> String {
    value.trim().replace("\r\n", "\n")
}

/// Each field the other person changed since the form was read (`read`,
/// the `_read` field's text), in the order of `theirs`, with what the form
/// keeps of it. A field the form did not have when it was opened (a custom
/// field added meanwhile) was not changed by the user: it counts as theirs
/// when the stored value differs from what is sent. Without `read`, every
/// field where the stored value and the typed one differ, as both changed.
pub fn changes(read: &str, theirs: &Values, yours: &Values) -> Vec<(String, Change)> {
    let read: Option<BTreeMap<String, String>> = serde_json::from_str(read).ok();
    let typed: HashMap<&str, &str> = yours
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    theirs
        .iter()
        .filter_map(|(field, stored)| {
            let stored = plain(stored);
            let yours = plain(typed.get(field.as_str()).copied().unwrap_or(""));
            let before = read.as_ref().and_then(|r| r.get(field)).map(|v| plain(v));
            let change = match (read.as_ref(), before) {
                (None, _) if stored == yours => return None,
                (None, _) => Change::Both,
                (Some(_), Some(before)) if before == stored => return None,
                // Left as read, or changed to what they saved.
                (Some(_), Some(before)) if before == yours || stored == yours => Change::Theirs,
                (Some(_), Some(_)) => Change::Both,
                (Some(_), None) if stored == yours => return None,
                (Some(_), None) => Change::Theirs,
            };
            Some((field.clone(), change))
        })
        .collect()
}

/// The fields the form takes the other person's value for (see
/// [`changes`]), with that value; those already holding it left out.
pub fn adopted(read: &str, theirs: &Values, yours: &Values) -> Values {
    let typed: HashMap<&str, &str> = yours
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let stored: HashMap<&str, &str> = theirs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    changes(read, theirs, yours)
        .into_iter()
        .filter(|(_, change)| *change == Change::Theirs)
        .filter_map(|(field, _)| {
            let value = stored.get(field.as_str())?.to_string();
            let typed = typed.get(field.as_str()).copied().unwrap_or("");
            (plain(typed) != plain(&value)).then_some((field, value))
        })
        .collect()
}

/// A form whose fields are set by their keys in [`Values`].
pub trait Take {
    /// Sets the field `key` (`name`, `custom.<key>`, `lines`, …) to
    /// `value` as [`Values`] holds it; an unknown key is ignored.
    fn take(&mut self, key: &str, value: &str);

    /// Takes the other person's value of every field only they changed
    /// since the form was read (`read`), from the stored values
    /// (`theirs`); `yours` are the form's values as sent.
    fn take_theirs(&mut self, read: &str, theirs: &Values, yours: &Values) {
        for (field, value) in adopted(read, theirs, yours) {
            self.take(&field, &value);
        }
    }
}

/// One field the other person changed.
pub struct ConflictRow {
    pub label: String,
    pub theirs: String,
    /// What the form holds now: theirs for a [`Change::Theirs`] row.
    pub yours: String,
    pub change: Change,
}

/// What the box shows.
pub struct Conflict {
    pub rows: Vec<ConflictRow>,
    /// The edit page of the record as stored now ("Reload").
    pub reload: String,
}

impl Conflict {
    /// The fields the other person changed (see [`changes`]): their
    /// stored value (`theirs`) beside what the form now holds — theirs
    /// where only they changed it, else what the user typed (`yours`).
    pub fn new(read: &str, theirs: &Values, yours: &Values, names: &Names, reload: String) -> Self {
        let value = |values: &Values, field: &str| {
            values
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let rows = changes(read, theirs, yours)
            .into_iter()
            .map(|(field, change)| {
                let stored = value(theirs, &field);
                let typed = match change {
                    Change::Theirs => stored.clone(),
                    Change::Both => value(yours, &field),
                };
                ConflictRow {
                    label: names.label_of(&field),
                    theirs: names.shown(&field, &stored),
                    yours: names.shown(&field, &typed),
                    change,
                }
            })
            .collect();
        Self { rows, reload }
    }

    /// The rows of fields both changed: Save over keeps the user's value.
    pub fn both(&self) -> Vec<&ConflictRow> {
        self.rows
            .iter()
            .filter(|r| r.change == Change::Both)
            .collect()
    }

    /// The rows of fields only the other person changed: the form holds
    /// their value.
    pub fn kept(&self) -> Vec<&ConflictRow> {
        self.rows
            .iter()
            .filter(|r| r.change == Change::Theirs)
            .collect()
    }
}

/// Names the customer of a record with one (an opportunity, a contract):
/// the stored one (`stored`, by id and name) and the one chosen in the
/// form (`typed`), as the user may see it.
pub async fn name_customer(
    (state, caller): (&crate::AppState, &kuijing_service::Caller),
    names: &mut Names,
    stored: (i64, &str),
    typed: &str,
) {
    let mut customers = vec![(stored.0.to_string(), stored.1.to_string())];
    if let Some(chosen) = super::forms::optional_number(typed)
        && chosen != stored.0
        && let Ok(found) = state.app.get_customer(caller, chosen).await
    {
        customers.push((chosen.to_string(), found.view.customer.name));
    }
    names.option("customer_id", customers);
}

/// Names the options of the customer's choice fields (level, industry,
/// source), retired ones included, since a record may still hold them.
pub async fn customer_option_names(
    state: &crate::AppState,
    caller: &kuijing_service::Caller,
    names: &mut Names,
) {
    let Ok(by_field) = state.app.customer_options(caller).await else {
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
        assert_eq!(conflict.rows[0].change, Change::Theirs);
        assert_eq!(
            conflict.rows[0].yours, "a@b.tw",
            "the form holds their e-mail"
        );
    }

    #[test]
    fn takes_theirs_only_where_the_user_left_the_field_as_read() {
        let read = mark(&values(&[
            ("name", "Acme"),
            ("phone", "1"),
            ("email", ""),
            ("notes", "old"),
            ("website", ""),
            ("custom.tier", "A"),
            ("lines", "7|1|100|"),
        ]));
        let theirs = values(&[
            ("name", "Acme"),
            ("phone", "2"),
            ("email", "their@b.tw"),
            ("notes", "theirs"),
            ("website", "acme.tw"),
            ("custom.tier", "B"),
            ("lines", "7|2|100|\n8|1|50|"),
        ]);
        let yours = values(&[
            ("name", "Acme Ltd"),
            ("phone", "1"),
            ("email", ""),
            ("notes", "mine"),
            ("website", " acme.tw "),
            ("custom.tier", "A"),
            ("lines", "7|1|100|"),
        ]);
        assert_eq!(
            changes(&read, &theirs, &yours),
            vec![
                ("phone".to_string(), Change::Theirs),
                ("email".to_string(), Change::Theirs),
                ("notes".to_string(), Change::Both),
                ("website".to_string(), Change::Theirs),
                ("custom.tier".to_string(), Change::Theirs),
                ("lines".to_string(), Change::Theirs),
            ],
            "the user's own change (name) is no row; the same change on both sides is theirs"
        );
        assert_eq!(
            adopted(&read, &theirs, &yours),
            values(&[
                ("phone", "2"),
                ("email", "their@b.tw"),
                ("custom.tier", "B"),
                ("lines", "7|2|100|\n8|1|50|"),
            ]),
            "a field both changed keeps the user's value; one already equal is left"
        );
    }

    #[test]
    fn a_field_added_since_the_form_was_read_is_theirs_and_without_read_nothing_is_taken() {
        let read = mark(&values(&[("name", "Acme")]));
        let theirs = values(&[("name", "Acme"), ("custom.new", "x"), ("custom.empty", "")]);
        let yours = values(&[("name", "Acme"), ("custom.new", ""), ("custom.empty", "")]);
        assert_eq!(
            adopted(&read, &theirs, &yours),
            values(&[("custom.new", "x")])
        );
        let yours = values(&[("name", "Acme Ltd"), ("custom.new", "")]);
        assert_eq!(
            changes("", &theirs, &yours),
            vec![
                ("name".to_string(), Change::Both),
                ("custom.new".to_string(), Change::Both),
            ]
        );
        assert!(adopted("not json", &theirs, &yours).is_empty());
    }

    #[test]
    fn line_breaks_as_a_browser_sends_them_are_no_change() {
        let read = mark(&values(&[("notes", "a\nb")]));
        let theirs = values(&[("notes", "a\nb\nc")]);
        let yours = values(&[("notes", "a\r\nb")]);
        assert_eq!(adopted(&read, &theirs, &yours), theirs);
    }

    #[derive(Default)]
    struct Form {
        phone: String,
        notes: String,
    }

    impl Take for Form {
        fn take(&mut self, key: &str, value: &str) {
            match key {
                "phone" => self.phone = value.to_string(),
                "notes" => self.notes = value.to_string(),
                _ => {}
            }
        }
    }

    #[test]
    fn a_form_takes_their_values_by_key() {
        let read = mark(&values(&[("phone", "1"), ("notes", "old")]));
        let theirs = values(&[("phone", "2"), ("notes", "theirs")]);
        let mut form = Form {
            phone: "1".into(),
            notes: "mine".into(),
        };
        let yours = values(&[("phone", "1"), ("notes", "mine")]);
        form.take_theirs(&read, &theirs, &yours);
        assert_eq!(form.phone, "2");
        assert_eq!(form.notes, "mine");
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
