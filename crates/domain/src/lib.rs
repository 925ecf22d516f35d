//! The CRM's vocabulary and rules: pure data and functions, no I/O and no async.

pub mod actor;
pub mod approval;
pub mod builtin_names;
pub mod change;
pub mod choices;
pub mod company;
pub mod customer;
pub mod dates;
pub mod defaults;
pub mod error;
pub mod fields;
pub mod money;
pub mod org;
pub mod permission;
pub mod pipeline;
pub mod pool;
pub mod postal;
pub mod region;
pub mod sales;
pub mod scope;
pub mod target_groups;
pub mod targets;
pub mod text;

pub use actor::{Actor, Role, RoleKind};
pub use change::{Change, ChangeAction, FieldChange};
pub use error::{FieldError, FieldErrors, Refusal};
pub use org::{Department, Gender, OrgChart, User, UserStatus};
pub use permission::{Action, Kind, Permission};
pub use scope::{DataScope, ScopeGrant, Visibility};
