-- Rows changed by an operation; the number and node before the change name the row
-- (a carried row changes node). Matching on node ids lets DuckDB read only the blocks
-- holding those nodes.
update numbers
set number = row_changes.number,
    node = row_changes.node,
    status = row_changes.status,
    usage = row_changes.usage,
    reserved_for = row_changes.reserved_for,
    used_by = row_changes.used_by,
    release_date = row_changes.release_date::date,
    reservation_notes = row_changes.reservation_notes,
    description = row_changes.description,
    node_id = row_changes.node_id
from (
    select changes.*, old_nodes.node_id as old_node_id, new_nodes.node_id
    from row_changes as changes
    join nodes as old_nodes on old_nodes.node = changes.old_node
    join nodes as new_nodes on new_nodes.node = changes.node
    where changes.change = 'update'
) as row_changes
where numbers.node_id = row_changes.old_node_id
  and numbers.number = row_changes.old_number
  and numbers.node = row_changes.old_node;
