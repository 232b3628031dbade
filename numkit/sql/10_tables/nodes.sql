-- The hierarchy (provider -> customer -> site), each node named by its dotted path.
-- `node_id` numbers the nodes in path order; the numbers table carries it too and is kept
-- sorted on it, so that the rows of a few nodes are found without reading the others
-- (DuckDB skips blocks by their smallest and largest id; paths share long prefixes, and
-- DuckDB compares only the first 8 bytes of strings when it skips).
create table if not exists nodes (
    node varchar primary key,
    parent varchar,
    type varchar,
    name varchar,
    node_id integer
);
