-- Contacts: the people at a customer.

create table contacts (
    id integer primary key autoincrement,
    customer_id integer not null references customers (id) on delete cascade,
    name text not null,
    mobile text,
    phone text,
    phone_key text,
    email text,
    post text,
    decision_maker integer not null default 0,
    is_primary integer not null default 0,
    address text,
    notes text,
    next_contact_at text,
    owner_id integer references users (id),
    search_text text not null,
    created_by integer references users (id),
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index contacts_customer on contacts (customer_id, id);
create index contacts_owner on contacts (owner_id, id);
