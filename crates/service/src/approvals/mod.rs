//! Approval flows (審批流) and the approvals that run through them. The
//! engine is the domain's state machine; this module stores its state,
//! records every action, and tells the record (a contract, a payment) how
//! its approval ended.

use std::collections::BTreeMap;

use kuijing_domain::approval::{Approval, Chosen, Event, Facts, FlowDef, Status};
use kuijing_domain::sales::DocStatus;
use kuijing_domain::{Action, FieldError, FieldErrors, Kind, Permission, text};
use kuijing_store::Tx;
use kuijing_store::approvals::{self, NewAction, NewApproval};
pub use kuijing_store::approvals::{ActionRow, Flow, StoredApproval};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Result, ServiceError};
use crate::notifications::ApprovalMove;
use crate::{App, Caller, ListPage, PageRequest};

mod decisions;
mod facts;
pub(crate) mod figures;
mod flows;
mod outcome;
mod owners;
mod readings;
mod refusals;
mod seats;
mod submit;
mod views;

pub use decisions::ApprovalActionInput;
pub use facts::FACTS;
pub(crate) use facts::add_field_facts;
pub use flows::{FlowInput, FlowName, SavedFlow};
use outcome::save_state;
pub use readings::{ApprovalView, KindStats, SeatReading, StepReading};
use refusals::{engine_error, refused_submit};
pub(crate) use seats::may_be_given_seat;
pub use views::ApprovalItem;

/// The kinds with their own records; administrators may add other kinds
/// (quotation, refund, expense, ...) whose approvals carry their own form.
pub const RECORD_KINDS: &[&str] = &["contract", "payment"];

fn manage() -> Permission {
    Permission::new(Kind::Approval, Action::Manage)
}
