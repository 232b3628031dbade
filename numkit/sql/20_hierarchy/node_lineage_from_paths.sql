-- What node_lineage holds, computed from the paths: node_ancestors without the prefixes
-- that are not nodes. A load fills node_lineage from it; check() compares the two.
create or replace view node_lineage_from_paths as
select node_ancestors.node, node_ancestors.ancestor, node_ancestors.distance,
       node_ancestors.ancestor_id
from node_ancestors
semi join nodes on nodes.node = node_ancestors.ancestor;
