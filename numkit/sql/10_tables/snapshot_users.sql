-- The active users of each loaded snapshot (kept as they were when a load had no users file).
create table if not exists snapshot_users (
    load_id bigint not null,
    username varchar not null,
    node varchar not null,
    extra json
);
