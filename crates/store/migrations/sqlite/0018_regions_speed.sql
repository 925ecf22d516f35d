-- A customer's region: province, city and district beside the address,
-- which stays the detail line.
alter table customers add column province text;
alter table customers add column city text;
alter table customers add column district text;

-- Customers written before the region was kept have it read from their
-- address once, at start, by the application (which knows the forms of
-- Taiwanese and mainland addresses); the mark is cleared row by row, so a
-- start that stops half-way carries on where it stopped.
alter table customers add column region_pending integer not null default 0;
update customers set region_pending = 1
 where address is not null and address <> '';
create index customers_region_pending on customers (id) where region_pending = 1;
