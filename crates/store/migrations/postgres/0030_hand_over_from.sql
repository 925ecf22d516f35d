-- A hand-over names whose seat passed, besides who did it and to whom: an
-- approval manager hands over someone else's seat, and a disabled user's
-- seat passes by the flow's rule with nobody acting. Older rows keep it
-- empty; their seat was the actor's own.
alter table approval_actions add column from_id bigint references users (id);
