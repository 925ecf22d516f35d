//! How the shell words and formats what pages show: texts of the
//! viewer's language, money, dates and times in the company's zone.

use super::Shell;
use crate::i18n::Lang;

impl Shell {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The count the phone's "More" entry shows: what its hidden items count.
    pub fn more_badge(&self) -> Option<i64> {
        let total: i64 = self.nav.iter().skip(4).filter_map(|item| item.badge).sum();
        (total > 0).then_some(total)
    }

    /// A text with a number in it (`第 %{n} 期`).
    pub fn tn(&self, key: &str, n: &impl std::fmt::Display) -> String {
        self.lang.t(key).replace("%{n}", &n.to_string())
    }

    /// Which zone a time on a form is typed in.
    pub fn zone_hint(&self) -> String {
        self.t("customers.zone_hint")
            .replace("%{zone}", self.zone.name())
    }

    /// The text of `prefix.key`, for keys made of a value (`status.active`).
    pub fn tk(&self, prefix: &str, key: &str) -> String {
        self.lang.t(&format!("{prefix}.{key}"))
    }

    /// The question a contract's or a payment's Delete asks (`kind` is
    /// `contracts` or `payments`): a draft is called one, a record sent
    /// back or withdrawn is named by its status.
    pub fn confirm_delete(&self, kind: &str, status: &str) -> String {
        if status == "draft" {
            return self.t(&format!("{kind}.confirm_delete"));
        }
        self.t(&format!("delete_words17.{kind}"))
            .replace("%{status}", &self.tk("doc_status", status))
    }

    /// An approval history row's action in words; the newer ones are in
    /// their own section of the locales.
    pub fn approval_action(&self, action: &str) -> String {
        let text = self.tk("approval_action", action);
        if text == format!("approval_action.{action}") {
            self.tk("approval_fix.approval_action", action)
        } else {
            text
        }
    }

    /// A logged value as a person reads it: statuses and yes/no in words.
    pub fn value_label(&self, field: &str, value: &str) -> String {
        match (field, value) {
            ("status", _) => {
                // A user's status, or a contract's or a payment's.
                let key = format!("status.{value}");
                let text = self.lang.t(&key);
                if text == key {
                    self.tk("doc_status", value)
                } else {
                    text
                }
            }
            ("recycle_reason", kind) => self.tk("pools.soon.reasons", kind),
            // A payment's instalment, logged by its number.
            ("plan_id", n) if n.parse::<i64>().is_ok() => self.tn("contracts.instalment_n", &n),
            // The other fields whose logged value is a code of a fixed list.
            ("outcome" | "gender", code) => {
                let key = format!("{field}.{code}");
                let text = self.lang.t(&key);
                if text == key { code.to_string() } else { text }
            }
            (_, "true") => self.t("customers.yes"),
            (_, "false") => self.t("customers.no"),
            _ => value.to_string(),
        }
    }

    /// The label of a logged field: a custom field shows its key, a field the
    /// locale does not name shows as stored.
    pub fn field_label(&self, field: &str) -> String {
        if let Some(key) = field.strip_prefix("custom.") {
            return key.to_string();
        }
        // An instalment's field: `plans.2.amount` is instalment 2's amount.
        if let Some(("plans", rest)) = field.split_once('.')
            && let Some((n, inner)) = rest.split_once('.')
        {
            let inner = if inner == "method_id" {
                "payment_method_id"
            } else {
                inner
            };
            let plan = self.tn("contracts.instalment_n", &n);
            return format!("{plan} · {}", self.field_label(inner));
        }
        let key = format!("fields.{field}");
        let label = self.lang.t(&key);
        if label != key {
            return label;
        }
        let more = format!("sales3.fields.{field}");
        let label = self.lang.t(&more);
        if label == more {
            field.to_string()
        } else {
            label
        }
    }

    /// A fingerprint of the stylesheet and script, added to their links so a
    /// browser fetches them again after an upgrade instead of its cached copy.
    pub fn assets(&self) -> &'static str {
        super::asset_version()
    }

    pub fn langs(&self) -> [Lang; 3] {
        Lang::ALL
    }

    /// An amount in minor units with its currency: `USD 1,234.50`, or
    /// `JPY 1,000` in a currency without decimals.
    pub fn money(&self, minor: &i64, currency: &str) -> String {
        kuijing_domain::money::format_money(*minor, currency)
    }

    /// An amount as a form is filled with it, in the decimals of its
    /// currency: `1234.50`, `1000` in yen.
    pub fn plain_amount(&self, minor: &i64, currency: &str) -> String {
        kuijing_domain::money::amount_text_in(*minor, currency)
    }

    /// A quantity kept in thousandths: `1.5`.
    pub fn quantity(&self, milli: &i64) -> String {
        kuijing_domain::money::quantity_text(*milli)
    }

    /// A discount kept in basis points, as a percentage: `12.5`.
    pub fn discount(&self, basis_points: &i64) -> String {
        kuijing_domain::money::discount_text(*basis_points)
    }

    /// A calendar date, as stored (never shifted by a time zone).
    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }

    /// The day of an instant in the company's time zone, as addresses
    /// carry it: `2026-03-02`.
    pub fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.zone).format("%Y-%m-%d").to_string()
    }

    /// A custom field's value as the viewer reads it: yes or no in their
    /// language, choices and texts as they are.
    pub fn custom_text(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Bool(true) => self.t("customers.yes"),
            serde_json::Value::Bool(false) => self.t("customers.no"),
            other => kuijing_domain::fields::display(other),
        }
    }

    /// A custom field's value on a record's page, by its type: a percent
    /// with its sign (`12.5%`), money grouped in the decimals of the
    /// record's `currency` (`1,000` in yen; on a record without one, such
    /// as a customer, with the company currency's code, `USD 1,234.50`, as
    /// its change log shows it), yes or no in the viewer's language.
    pub fn custom_shown(
        &self,
        def: &kuijing_domain::fields::FieldDef,
        value: &serde_json::Value,
        currency: &str,
    ) -> String {
        if value.is_boolean() {
            return self.custom_text(value);
        }
        use kuijing_domain::fields::{FieldType, display_as};
        if currency.is_empty() && def.field_type == FieldType::Money {
            let shown = display_as(def.field_type, value, Some(&self.currency), true);
            return format!("{} {shown}", self.currency);
        }
        let currency = Some(currency).filter(|c| !c.is_empty());
        display_as(def.field_type, value, currency, true)
    }

    /// Now in the company's time zone, as a `datetime-local` box takes it.
    pub fn now_local(&self) -> String {
        self.now
            .with_timezone(&self.zone)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }

    /// A date and time in the company's time zone.
    pub fn datetime(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}
