-- The kept number rows as the numbers table holds them, with their node ids and number
-- order: what a load writes, sorted (replace_numbers) or as read (replace_numbers_as_read).
create or replace temp view numbers_to_write as
select valid_numbers.number, valid_numbers.node, status, usage, reserved_for, used_by,
       release_date, reservation_notes, description, extra, nodes.node_id,
       number_value(valid_numbers.number) as number_order
from valid_numbers
join nodes on nodes.node = valid_numbers.node;
