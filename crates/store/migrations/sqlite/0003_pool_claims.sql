-- Claims from public pools, counted against the claim limits, and when a
-- customer was last released (for the former owner's wait).

create table pool_claims (
    id integer primary key autoincrement,
    pool_id integer not null references pools (id),
    customer_id integer not null references customers (id) on delete cascade,
    user_id integer not null references users (id),
    claimed_at text not null
);
create index pool_claims_user on pool_claims (user_id, claimed_at);

alter table customers add column released_at text;
