-- A customer's region: province, city and district beside the address,
-- which stays the detail line.
alter table customers add column province text;
alter table customers add column city text;
alter table customers add column district text;

-- Customers written before the region was kept have it read from their
-- address once, at start, by the application (which knows the forms of
-- Taiwanese and mainland addresses); the mark is cleared row by row, so a
-- start that stops half-way carries on where it stopped.
alter table customers add column region_pending boolean not null default false;
update customers set region_pending = true
 where address is not null and address <> '';
create index customers_region_pending on customers (id) where region_pending;

-- Speed for a large company (see "Speed" in docs/architecture.md).
-- Forgotten customers are those followed up before a day (served by
-- customers_last_follow_up) or never followed up and created before it:
-- that part gets an index of its own rows only. Passed next contact times
-- read the owner's customers that have one; the follow-up list is ordered
-- by time, then id; the customer analysis groups by city.
create index customers_never_followed on customers (owner_id, created_at)
    where last_follow_up_at is null;
create index customers_next_contact on customers (owner_id, next_contact_at)
    where next_contact_at is not null;
create index customers_city on customers (city, owner_id);
create index follow_ups_happened on follow_ups (happened_at, id);
