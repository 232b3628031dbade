-- The hierarchy of each loaded snapshot, so that forgetting the latest snapshot writes back
-- the nodes of the one before. A load made before this table existed has no rows here, and
-- so cannot be written back.
create table if not exists snapshot_nodes (
    load_id bigint not null,
    node varchar not null,
    parent varchar,
    type varchar,
    name varchar
);
