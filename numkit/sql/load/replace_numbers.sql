-- A first load, or one that puts the rows back in order (layout.py), replaces the whole
-- inventory. Rows are written in node-id order, so that a node's rows sit in few blocks;
-- the order within a node is left to the sort, which is much cheaper on the integer id alone.
delete from numbers;
insert into numbers by name
select * from load_rows
order by node_id;
