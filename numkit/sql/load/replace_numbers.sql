-- A snapshot replaces the whole inventory.
delete from numbers;
insert into numbers (number, node, status, usage, reserved_for, used_by, release_date,
                     reservation_notes, description, extra, node_id)
select valid_numbers.number, valid_numbers.node, status, usage_raw, reserved_for_raw,
       used_by_raw, release_date, reservation_notes_raw, description_raw, extra, nodes.node_id
from valid_numbers
join nodes on nodes.node = valid_numbers.node
order by nodes.node_id, number_value(valid_numbers.number), valid_numbers.number;
