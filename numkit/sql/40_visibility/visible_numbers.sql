-- The rows a user at a node can see: at that node or any ancestor, never at a sibling or
-- a descendant. `distance` counts the levels up from the node to the row's node. Joined on
-- node ids, so only the blocks holding those nodes' rows are read; the row's node path is
-- the ancestor's it was joined on, so the long path strings of the rows are not read.
create or replace macro visible_numbers(from_node) as table
select numbers_effective.* replace (ancestors.ancestor as node), ancestors.distance
from ancestors_of(from_node) as ancestors
join numbers_effective on numbers_effective.node_id = ancestors.ancestor_id;
