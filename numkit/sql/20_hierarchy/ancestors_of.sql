-- node_ancestors for one node, from the table numkit keeps of it (node_lineage): the
-- node itself and its ancestors that are nodes. Empty when the node does not exist.
create or replace macro ancestors_of(from_node) as table
select node_lineage.node, node_lineage.ancestor, node_lineage.distance, node_lineage.ancestor_id
from node_lineage
where node_lineage.node = from_node;
