-- Attachments of records; the file itself lives in the object store.

create table attachments (
    id integer primary key autoincrement,
    kind text not null,
    record_id integer not null,
    file_name text not null,
    content_type text not null,
    size integer not null,
    storage_key text not null,
    uploaded_by integer not null references users (id),
    created_at text not null
);
create index attachments_record on attachments (kind, record_id, id);
