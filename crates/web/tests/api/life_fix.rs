//! What a fresh user found in the customer lifecycle: the pool's recycling
//! warning, query parameters named by their own label, a lead's schedule
//! moved to its customer, saved views checked, the pool's claim refusals,
//! unreadable dates, read-only team members and the owner on a customer's
//! update.

mod claims;
mod convert;
mod dates;
mod owner_edit;
mod params;
mod pool;
mod read_only;
mod views;
mod yes_no;
