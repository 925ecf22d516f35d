-- Conditions of approval flows on money carry the currency their amount is
-- stated in (100,000 dollars is not met by 200,000 yen). Conditions saved
-- before have none: the application gives them the company currency, once,
-- at start, where this row asks it to (the company currency may be the
-- configuration's, which SQL cannot read), and removes the row.
create table pending_upgrades (
    name text primary key
);
insert into pending_upgrades (name) values ('flow_condition_currency');
