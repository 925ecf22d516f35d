-- Customers, leads and contacts keep a postal code apart from the address,
-- as text so its leading zeros survive; an imported address that starts
-- with one gives it here rather than losing it.
alter table customers add column postcode text;
alter table leads add column postcode text;
alter table contacts add column postcode text;
