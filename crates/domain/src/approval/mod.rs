//! The approval engine (審批流): flows that administrators define per kind
//! (contract, payment, custom kinds), and a pure state machine that plans an
//! approval from a flow and the submitted facts, then takes the approvers'
//! actions one at a time.
//!
//! Nothing here does I/O. The org chart is asked through [`Directory`], which
//! the service implements over a snapshot; the service stores the definition
//! and the [`Approval`] as JSON, and one history row per [`Event`].
//!
//! Decisions worth knowing:
//! * The submitter is never their own approver: they are removed from every
//!   approver list, and a step left empty is treated as one with no approver
//!   ([`NoApprover`] decides). Inactive users are dropped the same way, and so
//!   is a [`NoApprover::Fallback`] user who is inactive or the submitter
//!   (then the submit fails with `no_approver`).
//! * [`Mode::AnyOne`] (或簽): the first decision settles the step, be it an
//!   approval or a rejection. [`Mode::Everyone`] (會簽): all must approve, any
//!   rejection rejects. A rejection always ends the approval (back to the
//!   submitter), whatever the mode.
//! * A step skipped for want of approvers stays in the plan (with no seats and
//!   the reason), so the timeline can show it; a step whose condition does not
//!   hold is left out of the plan.
//! * A user disabled while an approval waits for them leaves their undecided
//!   seats (on the current step and the steps still to come) to the flow's
//!   rule for no approver ([`Approval::vacate`]): the fallback user takes
//!   them over, or with [`NoApprover::Skip`] the seats are vacated (a step
//!   whose seats are all vacated passes by itself); with
//!   [`NoApprover::Refuse`] they stay, for an approval manager to hand over
//!   ([`Approval::hand_over`] passes any undecided seat, not only one's own).
//! * Approvers the submitter chooses must be active and other than the
//!   submitter: choosing oneself is refused at submit, not silently dropped.
//! * Step numbers in [`Event`]s and in [`Approval`] are positions in
//!   [`Approval::plan`]; the two submit-time errors (`no_approver`,
//!   `chosen_missing`) name the step's position in [`FlowDef::steps`], since
//!   there is no plan yet.

mod actions;
mod condition;
mod directory;
mod flow;
mod planning;
mod state;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use condition::*;
pub use directory::{Directory, MapDirectory};
pub use flow::*;
pub use state::*;

/// What the submitter's record says, by field name: the amount (in minor
/// units), the department, the kind of contract, and so on.
pub type Facts = BTreeMap<String, FactValue>;

/// Approvers the submitter names, by the step's position in the flow.
pub type Chosen = BTreeMap<usize, Vec<i64>>;

/// The most superior levels a step may climb.
pub const MAX_LEVELS: u8 = 10;
