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
-- databases built before node ids
alter table nodes add column if not exists node_id integer;
update nodes
set node_id = numbered.node_id
from (
    select node,
           coalesce((select max(node_id) from nodes), 0)
               + row_number() over (order by node) as node_id
    from nodes
    where node_id is null
) as numbered
where nodes.node = numbered.node;
