-- The rows a user at a node can see: at that node or any ancestor, never at a sibling or
-- a descendant. `distance` counts the levels up from the node to the row's node.
create or replace macro visible_numbers(from_node) as table
select numbers_effective.*, node_ancestors.distance
from node_ancestors
join numbers_effective on numbers_effective.node = node_ancestors.ancestor
where node_ancestors.node = from_node;
