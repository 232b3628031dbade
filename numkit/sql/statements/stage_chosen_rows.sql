-- The rows an operation changes, named by number and node ($numbers and $nodes, one pair
-- per row, in the order the operation logs its changes; $usernames, aligned, the user the
-- operation names for each row, or null), as they are before the change: the row's fields,
-- the name it has now (old_number, old_node, old_node_id: a carried row changes node), the
-- user named for it (`username`) and the row as an event records it (`before`). Each row is
-- found by its node id: the table is stored in node order, so only those nodes' blocks are
-- read. A rule statement then makes `row_changes` from these rows (select * replace the
-- fields it sets).
create or replace temp table chosen_rows as
-- The keys take their node ids first (materialized): joined to `numbers` by node id, the
-- ids' range prunes the table's blocks (three times faster for one row than letting DuckDB
-- join numbers to the keys before the nodes).
with keys as materialized (
    select named.seq, named.number, named.node, named.username, nodes.node_id
    from (select unnest($numbers::varchar[]) as number,
                 unnest($nodes::varchar[]) as node,
                 unnest($usernames::varchar[]) as username,
                 generate_subscripts($numbers::varchar[], 1) as seq) as named
    join nodes on nodes.node = named.node
)
select keys.seq,
       'update' as change,
       numbers.number as old_number,
       numbers.node as old_node,
       numbers.number, numbers.node, numbers.status, numbers.usage, numbers.reserved_for,
       numbers.used_by, numbers.release_date, numbers.reservation_notes, numbers.description,
       keys.node_id as old_node_id,
       keys.node_id,
       keys.username,
       {number: numbers.number, node: numbers.node, status: numbers.status,
        usage: numbers.usage, reserved_for: numbers.reserved_for, used_by: numbers.used_by,
        release_date: numbers.release_date, reservation_notes: numbers.reservation_notes,
        description: numbers.description} as before
from keys
join numbers
  on numbers.node_id = keys.node_id
 and numbers.number = keys.number
 and numbers.node = keys.node;
