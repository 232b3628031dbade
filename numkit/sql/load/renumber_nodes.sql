-- The hierarchy after a load that rewrites every row: node ids numbered afresh in path
-- order, so that an export written node by node in path order is written as read.
delete from nodes;
insert into nodes (node, parent, type, name, node_id)
select node, parent, type, name, row_number() over (order by node) from new_nodes;
