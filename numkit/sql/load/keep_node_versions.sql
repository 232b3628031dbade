-- The snapshot's hierarchy kept as versions, as keep_number_versions keeps the rows.
create or replace temp table node_changes as
select coalesce(now.node, was.node) as node,
       was.node is not null as ends, now.node is not null as begins
from nodes as now
full join (select * from node_versions where to_load is null) as was on was.node = now.node
where was.node is null or now.node is null
   or {p: was.parent, t: was.type, n: was.name} is distinct from {p: now.parent, t: now.type, n: now.name};
update node_versions
set to_load = getvariable('numkit_kept_load')
from node_changes
where node_versions.to_load is null and node_changes.ends and node_versions.node = node_changes.node;
insert into node_versions by name
select getvariable('numkit_kept_load') as from_load, null as to_load, node, parent, type, name
from nodes
where node in (select node from node_changes where begins);
