-- Several public pools: members (users, departments with their
-- sub-departments) and administrators (users) per pool, pools deleted only
-- when empty (kept for the claims that name them), since when an owner has
-- a customer (where the recycle rules start counting), and the due date a
-- recycle reminder was last sent for.

alter table pools add column deleted_at text;

create table pool_members (
    pool_id integer not null references pools (id),
    -- `member` or `administrator`.
    role text not null,
    -- `user` or `department`; administrators are users.
    member_kind text not null,
    member_id integer not null,
    primary key (pool_id, role, member_kind, member_id)
);
create index pool_members_member on pool_members (member_kind, member_id);

-- Until now everyone who could view the pool saw all of it: the pools that
-- exist keep that, through the top department.
insert into pool_members (pool_id, role, member_kind, member_id)
select pools.id, 'member', 'department', departments.id
from pools, departments
where departments.parent_id is null;

alter table customers add column owned_since text;
alter table customers add column recycle_reminded_for text;

-- A customer without an owner is in exactly one pool.
update customers set pool_id = (select min(id) from pools), pool_entered_at = updated_at
where owner_id is null and pool_id is null;
