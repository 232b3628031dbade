-- node_ancestors for one node: a query from a viewpoint reads the few nodes that are
-- prefixes of its path, where the view would first split every path. Empty when the node
-- does not exist.
create or replace macro ancestors_of(from_node) as table
select
    from_node as node,
    ancestors.node as ancestor,
    len(string_split(from_node, '.')) - len(string_split(ancestors.node, '.')) as distance,
    ancestors.node_id as ancestor_id
from nodes as ancestors
where (ancestors.node = from_node or starts_with(from_node, ancestors.node || '.'))
  and from_node in (select nodes.node from nodes);
