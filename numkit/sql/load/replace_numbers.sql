-- A snapshot replaces the whole inventory. Rows are written in node-id order (node ids
-- follow path order), so that a node's rows sit in few blocks; the order within a node is
-- left to the sort, which is much cheaper on the integer id alone.
delete from numbers;
insert into numbers (number, node, status, usage, reserved_for, used_by, release_date,
                     reservation_notes, description, extra, node_id)
select valid_numbers.number, valid_numbers.node, status, usage, reserved_for, used_by,
       release_date, reservation_notes, description, extra, nodes.node_id
from valid_numbers
join nodes on nodes.node = valid_numbers.node
order by nodes.node_id;
