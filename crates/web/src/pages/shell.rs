//! What every page of the application shows around its content: the
//! navigation, who is signed in, the notice after a redirect.

use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::Caller;

use crate::AppState;
use crate::i18n::Lang;

/// One entry of the navigation.
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    pub icon: &'static str,
    /// A count beside the entry, such as approvals waiting.
    pub badge: Option<i64>,
}

/// What every page of the application shows around its content.
pub struct Shell {
    pub lang: Lang,
    pub csrf: String,
    pub me_id: i64,
    pub me_name: String,
    pub me_initial: String,
    pub nav: Vec<NavItem>,
    pub settings_nav: Vec<NavItem>,
    pub active: &'static str,
    pub notice: Option<String>,
    /// Why a list shows another order or page than its address asked for
    /// (a sort it does not offer, a page link of another sort), above it.
    pub list_note: Option<String>,
    /// A list narrowed to the records behind a dashboard figure: what it
    /// shows, and where the whole list is.
    pub drill: Option<(String, String)>,
    pub title: String,
    pub zone: chrono_tz::Tz,
    /// The company currency: custom money on records without a currency
    /// of their own (customers, leads, contacts) is shown in it.
    pub currency: String,
    /// When the page was made, by the application's clock.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Shell {
    /// A one-time token for a create form (see `once`): a second submit of
    /// the same form lands on what the first created.
    pub fn once(&self) -> String {
        crate::once::token()
    }

    pub fn new(
        state: &AppState,
        caller: &Caller,
        lang: Lang,
        active: &'static str,
        title_key: &str,
    ) -> Self {
        let can = |kind: Kind| caller.can(Permission::new(kind, Action::View));
        // The modules in their order; each appears once its pages exist.
        let mut nav = Vec::new();
        nav.push(NavItem {
            key: "nav.dashboard",
            href: "/dashboard",
            icon: "chart",
            badge: None,
        });
        if can(Kind::Lead) {
            nav.push(NavItem {
                key: "nav.leads",
                href: "/leads",
                icon: "lead",
                badge: None,
            });
        }
        if can(Kind::Customer) {
            nav.push(NavItem {
                key: "nav.customers",
                href: "/customers",
                icon: "building",
                badge: None,
            });
        }
        if can(Kind::Opportunity) {
            nav.push(NavItem {
                key: "nav.opportunities",
                href: "/opportunities",
                icon: "funnel",
                badge: None,
            });
        }
        if can(Kind::Contract) {
            nav.push(NavItem {
                key: "nav.contracts",
                href: "/contracts",
                icon: "contract",
                badge: None,
            });
        }
        if can(Kind::Contact) {
            nav.push(NavItem {
                key: "nav.contacts",
                href: "/contacts",
                icon: "user",
                badge: None,
            });
        }
        if can(Kind::Pool) {
            nav.push(NavItem {
                key: "nav.pool",
                href: "/pool",
                icon: "pool",
                badge: None,
            });
        }
        if can(Kind::Payment) {
            nav.push(NavItem {
                key: "nav.payments",
                href: "/payments",
                icon: "coin",
                badge: None,
            });
        }
        if can(Kind::Product) {
            nav.push(NavItem {
                key: "nav.products",
                href: "/products",
                icon: "box",
                badge: None,
            });
        }
        if can(Kind::Event) {
            nav.push(NavItem {
                key: "schedule.nav",
                href: "/schedule",
                icon: "calendar",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Report, Action::View)) {
            nav.push(NavItem {
                key: "nav.reports",
                href: "/reports",
                icon: "chart",
                badge: None,
            });
        }
        nav.push(NavItem {
            key: "nav.approvals",
            href: "/approvals",
            icon: "check",
            badge: (caller.waiting_approvals > 0).then_some(caller.waiting_approvals),
        });
        nav.push(NavItem {
            key: "nav.notifications",
            href: "/notifications",
            icon: "bell",
            badge: (caller.unread_notifications > 0).then_some(caller.unread_notifications),
        });
        nav.push(NavItem {
            key: "nav.profile",
            href: "/profile",
            icon: "user",
            badge: None,
        });
        let mut settings_nav = Vec::new();
        if can(Kind::Department) {
            settings_nav.push(NavItem {
                key: "nav.departments",
                href: "/departments",
                icon: "tree",
                badge: None,
            });
        }
        if can(Kind::User) {
            settings_nav.push(NavItem {
                key: "nav.users",
                href: "/users",
                icon: "users",
                badge: None,
            });
        }
        if can(Kind::Role) {
            settings_nav.push(NavItem {
                key: "nav.roles",
                href: "/roles",
                icon: "shield",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Settings, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "nav.fields",
                href: "/settings/fields",
                icon: "contract",
                badge: None,
            });
            settings_nav.push(NavItem {
                key: "nav.pipelines",
                href: "/settings/pipelines",
                icon: "funnel",
                badge: None,
            });
            settings_nav.push(NavItem {
                key: "nav.numbering",
                href: "/settings/numbering",
                icon: "contract",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Pool, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "pools.nav",
                href: "/settings/pools",
                icon: "pool",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Report, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "nav.targets",
                href: "/settings/targets",
                icon: "chart",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Approval, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "nav.flows",
                href: "/settings/approval-flows",
                icon: "check",
                badge: None,
            });
            settings_nav.push(NavItem {
                key: "nav.request_forms",
                href: "/settings/request-forms",
                icon: "contract",
                badge: None,
            });
        }
        Self {
            lang,
            csrf: caller.session.csrf_token.clone(),
            me_id: caller.user.id,
            me_initial: caller
                .user
                .name
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
            me_name: caller.user.name.clone(),
            nav,
            settings_nav,
            active,
            notice: None,
            list_note: None,
            drill: None,
            title: lang.t(title_key),
            zone: state.app.time_zone(),
            currency: state.app.currency(),
            now: state.app.now(),
        }
    }

    /// Shows a confirmation after a redirect (`?done=saved`).
    pub fn with_notice(mut self, done: Option<&str>) -> Self {
        self.notice = done
            .filter(|d| d.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|d| self.lang.t(&format!("done.{d}")));
        self
    }

    /// Puts the count of a batch action into its confirmation.
    pub fn with_count(mut self, count: Option<u64>) -> Self {
        if let (Some(notice), Some(count)) = (self.notice.as_mut(), count) {
            *notice = notice.replace("%{count}", &count.to_string());
        }
        self
    }
}
