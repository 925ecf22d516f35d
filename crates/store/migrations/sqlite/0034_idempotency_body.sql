-- An API idempotency key remembers what identifies the body it was first
-- sent with (a SHA-256 digest), so the same key with another body is
-- refused rather than answered with the first record.
alter table form_tokens add column body_digest text;
