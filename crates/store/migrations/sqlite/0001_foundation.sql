-- The organisation, roles, sessions, sign-in throttling and the change log.

create table departments (
    id integer primary key autoincrement,
    name text not null,
    parent_id integer references departments (id),
    head_id integer references users (id),
    sort_order integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index departments_parent on departments (parent_id);

create table users (
    id integer primary key autoincrement,
    phone text not null,
    password_hash text not null,
    name text not null,
    gender text,
    email text,
    department_id integer not null references departments (id),
    post text,
    superior_id integer references users (id),
    status text not null default 'active',
    locale text,
    search_text text not null,
    last_login_at text,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
    constraint users_phone_key unique (phone)
);
create index users_department on users (department_id);
create index users_superior on users (superior_id);

create table roles (
    id integer primary key autoincrement,
    name text not null,
    kind text not null,
    code text,
    description text,
    permissions text not null default '[]',
    scopes text not null default '{}',
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
    constraint roles_name_key unique (name),
    constraint roles_code_key unique (code)
);

create table user_roles (
    user_id integer not null references users (id),
    role_id integer not null references roles (id),
    primary key (user_id, role_id)
);
create index user_roles_role on user_roles (role_id);

create table sessions (
    token_hash text primary key,
    user_id integer not null references users (id),
    kind text not null,
    csrf_token text not null,
    created_at text not null,
    last_seen_at text not null,
    expires_at text not null
);
create index sessions_user on sessions (user_id);

create table login_throttle (
    phone text primary key,
    failures integer not null,
    last_failure_at text not null,
    locked_until text
);

create table change_logs (
    id integer primary key autoincrement,
    kind text not null,
    record_id integer not null,
    actor_id integer references users (id),
    action text not null,
    changes text not null,
    request_id text,
    created_at text not null
);
create index change_logs_record on change_logs (kind, record_id, id);
