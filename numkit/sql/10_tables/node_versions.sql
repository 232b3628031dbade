-- The history of the hierarchy, as number_versions keeps the rows: forgetting the latest
-- snapshot writes back the nodes of the one before. A load made before numkit kept its
-- nodes has none here, and so cannot be written back.
create table if not exists node_versions (
    from_load bigint not null,
    to_load bigint,
    node varchar not null,
    parent varchar,
    type varchar,
    name varchar
);
