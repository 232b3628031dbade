-- A weekly load writes only the rows that changed (rows_to_rewrite): the rows the
-- inventory holds there go, and the snapshot's rows there come, in node-id order, after
-- the rows already kept (layout.py decides when they are put back in node order).
delete from numbers
using rows_to_rewrite
where numbers.number = rows_to_rewrite.number and numbers.node = rows_to_rewrite.node;
insert into numbers by name
select * from rewritten_rows
order by node_id;
