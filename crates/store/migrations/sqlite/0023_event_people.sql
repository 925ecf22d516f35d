-- Schedule events with participants and a reminder before they start.

-- Minutes before the start to remind the owner and participants; null: none.
alter table events add column remind_minutes integer;
-- The instant the reminder is due (start less the minutes), kept so one
-- query finds due reminders on both databases.
alter table events add column remind_at text;
-- Set once by the worker that sent the reminder; cleared when the time moves.
alter table events add column reminded_at text;
create index events_remind on events (remind_at) where reminded_at is null;

create table event_participants (
    event_id integer not null references events (id) on delete cascade,
    user_id integer not null references users (id),
    primary key (event_id, user_id)
);
create index event_participants_user on event_participants (user_id, event_id);
