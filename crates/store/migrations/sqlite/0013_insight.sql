-- Every move of a customer into or out of a public pool by hand: each
-- release (with the owner who let the customer go) and each assignment
-- (with the new owner), so the pool report counts every one, not only a
-- customer's latest. Claims stay in pool_claims, which the claim limits
-- count.

create table pool_moves (
    id integer primary key autoincrement,
    pool_id integer references pools (id) on delete set null,
    customer_id integer not null references customers (id) on delete cascade,
    -- The former owner of a release, the new owner of an assignment.
    user_id integer references users (id),
    move text not null,
    moved_at text not null
);
create index pool_moves_user on pool_moves (move, user_id, moved_at);
create index pool_moves_at on pool_moves (move, moved_at);

-- Releases written before this table: one per release in the change log,
-- with the owner the log names.
insert into pool_moves (pool_id, customer_id, user_id, move, moved_at)
select null, l.record_id,
       (select cast(json_extract(e.value, '$.old') as integer)
          from json_each(l.changes) e
         where json_extract(e.value, '$.field') = 'owner_id'),
       'release', l.created_at
  from change_logs l
 where l.kind = 'customer'
   and exists (select 1 from customers c where c.id = l.record_id)
   and exists (select 1 from json_each(l.changes) e
                where json_extract(e.value, '$.field') = 'release_reason');

-- A customer's last release that the log does not have.
insert into pool_moves (pool_id, customer_id, user_id, move, moved_at)
select c.pool_id, c.id, c.former_owner_id, 'release', c.released_at
  from customers c
 where c.released_at is not null
   and not exists (select 1 from pool_moves m
                    where m.customer_id = c.id and m.move = 'release'
                      and m.moved_at = c.released_at);

-- Assignments in the change log: an owner given to a customer who had none,
-- other than by a claim.
insert into pool_moves (pool_id, customer_id, user_id, move, moved_at)
select null, l.record_id,
       (select cast(json_extract(e.value, '$.new') as integer)
          from json_each(l.changes) e
         where json_extract(e.value, '$.field') = 'owner_id'),
       'assign', l.created_at
  from change_logs l
 where l.kind = 'customer' and l.action = 'update'
   and exists (select 1 from customers c where c.id = l.record_id)
   and exists (select 1 from json_each(l.changes) e
                where json_extract(e.value, '$.field') = 'owner_id'
                  and json_extract(e.value, '$.old') is null
                  and json_extract(e.value, '$.new') is not null)
   and not exists (select 1 from pool_claims p
                    where p.customer_id = l.record_id and p.claimed_at = l.created_at);
