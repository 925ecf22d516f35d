-- One-time form tokens and API idempotency keys: the first submit claims
-- the token and keeps where it led (a page's address, or the API's answer),
-- so a second submit of the same form lands there instead of creating again.
create table form_tokens (
    token text primary key,
    user_id integer not null,
    result text,
    created_at text not null
);
create index form_tokens_created on form_tokens (created_at);
