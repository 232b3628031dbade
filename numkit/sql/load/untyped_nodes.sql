-- After a load without a hierarchy file: the nodes without a type that no node with a type
-- lies below, beside all nodes (LoadReport.untyped_nodes). Untyped nodes above typed ones
-- (`sys`, `sys.hcs` above the providers) are the paths' structure, typed by no export; the
-- others are nodes whose customer and site numkit cannot know.
select
    count(*) filter (where nodes.type is null and nodes.node not in (
        select node_ancestors.ancestor
        from node_ancestors
        join nodes as below on below.node = node_ancestors.node
        where below.type is not null and node_ancestors.distance > 0)) as untyped,
    count(*) as nodes
from nodes;
