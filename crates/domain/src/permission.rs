//! Operation permissions: an action on a kind of object, written `kind.action`.
//!
//! The catalog names every kind of the product and the actions that make sense
//! on it, so roles can be set up for modules before their pages exist.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = ();

            fn from_str(text: &str) -> Result<Self, ()> {
                match text { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// A kind of object the CRM keeps.
    Kind {
        Department => "department",
        User => "user",
        Role => "role",
        Lead => "lead",
        Customer => "customer",
        Contact => "contact",
        Pool => "pool",
        Opportunity => "opportunity",
        Contract => "contract",
        PaymentPlan => "payment_plan",
        Payment => "payment",
        Product => "product",
        FollowUp => "follow_up",
        Task => "task",
        Event => "event",
        Approval => "approval",
        Report => "report",
        Settings => "settings",
    }
}

string_enum! {
    /// Something a user does to objects of a kind.
    Action {
        View => "view",
        Create => "create",
        Edit => "edit",
        Delete => "delete",
        Export => "export",
        Import => "import",
        Transfer => "transfer",
        Team => "team",
        Lock => "lock",
        Convert => "convert",
        Claim => "claim",
        Assign => "assign",
        Release => "release",
        Approve => "approve",
        Submit => "submit",
        ResetPassword => "reset_password",
        Disable => "disable",
        Manage => "manage",
    }
}

impl Kind {
    /// The actions that exist on this kind, in the order the role editor shows them.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Kind::Department => &[View, Create, Edit, Delete],
            Kind::User => &[View, Create, Edit, ResetPassword, Disable],
            Kind::Role => &[View, Create, Edit, Delete],
            Kind::Lead => &[
                View, Create, Edit, Delete, Export, Import, Transfer, Team, Convert,
            ],
            Kind::Customer => &[
                View, Create, Edit, Delete, Export, Import, Transfer, Team, Lock, Release,
            ],
            Kind::Contact => &[View, Create, Edit, Delete, Export, Import, Transfer],
            Kind::Pool => &[View, Claim, Assign, Manage],
            Kind::Opportunity => &[View, Create, Edit, Delete, Export, Import, Transfer, Team],
            Kind::Contract => &[
                View, Create, Edit, Delete, Export, Import, Transfer, Team, Submit, Approve,
            ],
            Kind::PaymentPlan => &[View, Create, Edit, Delete],
            Kind::Payment => &[View, Create, Edit, Delete, Export, Import, Submit, Approve],
            Kind::Product => &[View, Create, Edit, Delete, Export, Import],
            Kind::FollowUp => &[View, Create, Edit, Delete],
            Kind::Task => &[View, Create, Edit, Delete],
            Kind::Event => &[View, Create, Edit, Delete],
            Kind::Approval => &[View, Manage],
            Kind::Report => &[View, Export, Create, Manage],
            Kind::Settings => &[Manage],
        }
    }

    /// Whether records of this kind are owned, so a data scope applies to them.
    pub fn has_data_scope(self) -> bool {
        !matches!(
            self,
            Kind::Role | Kind::Pool | Kind::Approval | Kind::Settings
        )
    }
}

/// One operation permission, such as `customer.export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Permission {
    pub kind: Kind,
    pub action: Action,
}

impl Permission {
    pub const fn new(kind: Kind, action: Action) -> Self {
        Self { kind, action }
    }

    /// Every permission of the catalog.
    pub fn all() -> impl Iterator<Item = Permission> {
        Kind::ALL.iter().flat_map(|kind| {
            kind.actions()
                .iter()
                .map(|action| Permission::new(*kind, *action))
        })
    }
}

impl FromStr for Permission {
    type Err = ();

    /// Accepts only permissions of the catalog: `customer.fly` is refused.
    fn from_str(text: &str) -> Result<Self, ()> {
        let (kind, action) = text.split_once('.').ok_or(())?;
        let kind: Kind = kind.parse()?;
        let action: Action = action.parse()?;
        if kind.actions().contains(&action) {
            Ok(Permission::new(kind, action))
        } else {
            Err(())
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind, self.action)
    }
}

impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|()| serde::de::Error::custom(format!("unknown permission `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_round_trip_through_text() {
        for permission in Permission::all() {
            assert_eq!(permission.to_string().parse::<Permission>(), Ok(permission));
        }
    }

    #[test]
    fn unknown_kinds_and_actions_are_refused() {
        assert!("customer.fly".parse::<Permission>().is_err());
        assert!("spaceship.view".parse::<Permission>().is_err());
        assert!("role.export".parse::<Permission>().is_err());
        assert!("customer".parse::<Permission>().is_err());
        assert!("customer.export".parse::<Permission>().is_ok());
    }
}
