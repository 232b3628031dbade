-- The hierarchy after a weekly load, each node keeping its id (the rows carry it, and a
-- weekly load rewrites only the rows that changed); a node new to the inventory takes an
-- id after the highest. (A load that rewrites every row numbers the nodes afresh, in path
-- order: load/renumber_nodes.)
delete from nodes where node not in (select node from new_nodes);
update nodes
set parent = new_nodes.parent, type = new_nodes.type, name = new_nodes.name
from new_nodes
where new_nodes.node = nodes.node
  and {p: nodes.parent, t: nodes.type, n: nodes.name}
      is distinct from {p: new_nodes.parent, t: new_nodes.type, n: new_nodes.name};
insert into nodes (node, parent, type, name, node_id)
select node, parent, type, name,
       (select coalesce(max(node_id), 0) from nodes) + row_number() over (order by node)
from new_nodes
where node not in (select node from nodes);
