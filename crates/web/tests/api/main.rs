//! Integration tests: the whole router, driven without a socket, on a fresh
//! database each (SQLite, or PostgreSQL when `KUIJING_TEST_DATABASE_URL` is set).

mod helpers;

mod import_pages;
mod inbox;

mod jobs;
mod leads;
mod lists;

mod approvals_api;
mod attachments;
mod auth;
mod contacts;
mod contracts_api;
mod customer_io;
mod customer_pages;
mod customers;
mod dashboard;
mod demo;
mod follow_ups;
mod openapi;
mod organisation;
mod pages;
mod pools;
mod regressions;
mod report_builder;
mod reports;
mod sales_api;
mod sales_fixtures;
mod sales_import;
mod sales_pages;
mod sales_rules;
mod scopes;
