-- Targets keep a version, so a save over a target someone else saved in
-- the meantime is refused rather than silently replacing theirs.
alter table targets add column version integer not null default 1;
