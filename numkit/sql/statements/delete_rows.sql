-- Rows removed by an operation, named by their number and node before the change.
delete from numbers
using (
    select changes.old_number, changes.old_node, old_nodes.node_id as old_node_id
    from row_changes as changes
    join nodes as old_nodes on old_nodes.node = changes.old_node
    where changes.change = 'delete'
) as row_changes
where numbers.node_id = row_changes.old_node_id
  and numbers.number = row_changes.old_number
  and numbers.node = row_changes.old_node;
