-- The hierarchy (provider -> customer -> site), each node named by its dotted path.
create table if not exists nodes (
    node varchar primary key,
    parent varchar,
    type varchar,
    name varchar
);
