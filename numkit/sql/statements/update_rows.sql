-- Rows changed by an operation; the number and node before the change name the row
-- (a carried row changes node).
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
    node_id = row_changes.node_id,
    number_order = number_value(row_changes.number)
from row_changes
where row_changes.change = 'update'
  and numbers.node_id = row_changes.old_node_id
  and numbers.number = row_changes.old_number
  and numbers.node = row_changes.old_node;
