-- Rows created by an operation (add numbers, reserve a missing number), or put back by a
-- load's reconciliation with the extra columns they had.
insert into numbers (number, node, status, usage, reserved_for, used_by, release_date,
                     reservation_notes, description, extra, node_id, number_order)
select number, node, status, usage, reserved_for, used_by, release_date::date,
       reservation_notes, description, extra, node_id, number_value(number)
from row_changes
where change = 'insert';
