-- The active users of each loaded snapshot (kept as they were when a load had no users file).
create table if not exists snapshot_users (
    load_id bigint not null,
    username varchar not null,
    node varchar not null
);
-- databases built before snapshots kept the users' other columns
alter table snapshot_users add column if not exists extra json;
