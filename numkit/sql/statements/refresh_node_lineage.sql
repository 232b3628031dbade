-- node_lineage from `nodes`, after numkit writes them (see 10_tables/node_lineage.sql).
delete from node_lineage;
insert into node_lineage
select node_ancestors.node, node_ancestors.ancestor, node_ancestors.distance,
       node_ancestors.ancestor_id
from node_ancestors
semi join nodes on nodes.node = node_ancestors.ancestor
order by node_ancestors.node, node_ancestors.distance;
