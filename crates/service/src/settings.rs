//! The one typed configuration, read from an optional TOML file and from
//! `KUIJING_*` environment variables (nested keys with `__`, such as
//! `KUIJING_SIGN_IN__LOCK_AFTER`). `kuijing config` prints `DEFAULTS`.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The documented defaults; a test checks that they parse to `Settings::default()`.
pub const DEFAULTS: &str = include_str!("../kuijing.default.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub default_locale: String,
    pub time_zone: String,
    /// The currency of new products, opportunities, contracts, payments and
    /// targets, unless the company's data has set its own (loading the demo
    /// makes it USD, kept in the database).
    pub currency: String,
    /// The largest attachment, in MiB.
    pub attachment_max_mb: u64,
    /// On a first start (nobody can sign in yet), load the demo company.
    pub demo_on_first_start: bool,
    pub session: SessionSettings,
    pub sign_in: SignInSettings,
    pub password: PasswordSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSettings {
    pub idle_hours: i64,
    pub token_days: i64,
    pub secure_cookies: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignInSettings {
    pub slow_after: i64,
    pub max_delay_seconds: i64,
    pub lock_after: i64,
    pub lock_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordSettings {
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            default_locale: "zh-Hant".into(),
            time_zone: "Asia/Shanghai".into(),
            currency: "CNY".into(),
            attachment_max_mb: 20,
            demo_on_first_start: true,
            session: SessionSettings::default(),
            sign_in: SignInSettings::default(),
            password: PasswordSettings::default(),
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_hours: 12,
            token_days: 30,
            secure_cookies: false,
        }
    }
}

impl Default for SignInSettings {
    fn default() -> Self {
        Self {
            slow_after: 3,
            max_delay_seconds: 60,
            lock_after: 10,
            lock_minutes: 15,
        }
    }
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self {
            argon2_memory_kib: 19456,
            argon2_iterations: 2,
        }
    }
}

impl Settings {
    /// Defaults, then the file (`KUIJING_CONFIG`, or `./kuijing.toml` when it
    /// exists), then the environment.
    pub fn load() -> Result<Self, String> {
        let file = std::env::var_os("KUIJING_CONFIG").map(PathBuf::from);
        let file = file.or_else(|| Some(PathBuf::from("kuijing.toml")).filter(|p| p.exists()));
        Self::load_from(file.as_deref())
    }

    pub fn load_from(file: Option<&Path>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment = figment.merge(
            Env::prefixed("KUIJING_")
                .ignore(&[
                    "config",
                    "log",
                    "test_database_url",
                    "browser_tests",
                    "chromedriver",
                    "chromium",
                ])
                .split("__"),
        );
        let settings: Settings = figment.extract().map_err(|e| e.to_string())?;
        if kuijing_domain::money::parse_currency(&settings.currency).is_err() {
            return Err(format!(
                "currency `{}` is not one of {}",
                settings.currency,
                kuijing_domain::money::CURRENCIES.join(", ")
            ));
        }
        if settings.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "time_zone `{}` is not a known time zone, such as Asia/Taipei",
                settings.time_zone
            ));
        }
        if !["zh-Hant", "zh-Hans", "en"].contains(&settings.default_locale.as_str()) {
            return Err(format!(
                "default_locale `{}` must be zh-Hant, zh-Hans or en",
                settings.default_locale
            ));
        }
        Ok(settings)
    }

    /// The database to open: the configured URL, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("kuijing.db").display())
        } else {
            self.database_url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_defaults_are_the_defaults() {
        let parsed: Settings = toml::from_str(DEFAULTS).expect("defaults parse");
        assert_eq!(parsed, Settings::default());
    }

    #[test]
    fn a_file_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\n[sign_in]\nlock_after = 4\n",
        )
        .expect("write");
        let settings = Settings::load_from(Some(&path)).expect("load");
        assert_eq!(settings.bind, "0.0.0.0:9000");
        assert_eq!(settings.sign_in.lock_after, 4);
        assert_eq!(settings.sign_in.slow_after, 3);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.toml");
        std::fs::write(&path, "bnid = \"x\"\n").expect("write");
        assert!(Settings::load_from(Some(&path)).is_err());
    }
}
