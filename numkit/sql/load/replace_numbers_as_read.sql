-- replace_numbers for an export whose rows already come in node-id order (path order, one
-- node after the other): they are written as read (the load keeps insertion order), which
-- spares sorting millions of rows.
delete from numbers;
insert into numbers (number, node, status, usage, reserved_for, used_by, release_date,
                     reservation_notes, description, extra, node_id)
select valid_numbers.number, valid_numbers.node, status, usage, reserved_for, used_by,
       release_date, reservation_notes, description, extra, nodes.node_id
from valid_numbers
join nodes on nodes.node = valid_numbers.node;
