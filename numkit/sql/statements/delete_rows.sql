-- Rows removed by an operation, named by their number and node before the change.
delete from numbers
using row_changes
where row_changes.change = 'delete'
  and numbers.node_id = row_changes.old_node_id
  and numbers.number = row_changes.old_number
  and numbers.node = row_changes.old_node;
