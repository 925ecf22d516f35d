//! Integration tests: the whole router, driven without a socket, on a fresh
//! database each (SQLite, or PostgreSQL when `KUIJING_TEST_DATABASE_URL` is set).

mod helpers;

mod browser;
mod builder_checks;

mod import_final;
mod import_final2;
mod import_pages;
mod inbox;
mod insight_drill;
mod insight_final;
mod insight_fixes;
mod insight_more;

mod jobs;
mod lead_records;
mod leads;
mod life_final;
mod lifecycle_more;
mod lists;
mod numbering;
mod record_fixtures;

mod api_keep;
mod approvals_api;
mod attachments;
mod auth;
mod contact_records;
mod contacts;
mod contracts_api;
mod customer_fixes;
mod customer_io;
mod customer_pages;
mod customers;
mod dashboard;
mod demo;
mod events_more;
mod flow_conditions;
mod follow_ups;
mod insight_close;
mod lead_teams;
mod life_close;
mod life_lists;
mod openapi;
mod opportunity_import_more;
mod organisation;
mod pages;
mod pool_fixtures;
mod pool_members;
mod pool_moves;
mod pool_pages;
mod pool_recycling;
mod pools;
mod record_input;
mod regressions;
mod report_builder;
mod reports;
mod sales_api;
mod sales_close;
mod sales_dates;
mod sales_fidelity;
mod sales_final;
mod sales_final2;
mod sales_fixes;
mod sales_fixtures;
mod sales_import;
mod sales_money;
mod sales_pages;
mod sales_pages_more;
mod sales_rules;
mod sales_rules_more;
mod save_over;
mod scopes;
mod search_index;
mod target_money;
