-- A snapshot replaces the whole inventory.
delete from numbers;
insert into numbers (number, node, status, usage, reserved_for, used_by, release_date,
                     reservation_notes, description, extra)
select number, node, status, usage_raw, reserved_for_raw, used_by_raw, release_date,
       reservation_notes_raw, description_raw, extra
from valid_numbers
order by node, number_value(number), number;
