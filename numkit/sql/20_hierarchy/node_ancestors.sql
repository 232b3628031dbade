-- What a node can see: itself and each of its ancestors, with the number of levels up.
-- Paths are dotted, so a node's ancestors are exactly its path prefixes. `ancestor_id` is
-- the ancestor's node_id, which the rules join the numbers on.
create or replace view node_ancestors as
with paths as (
    select node, string_split(node, '.') as segments
    from nodes
),
prefixes as (
    select
        paths.node,
        array_to_string(paths.segments[1:level], '.') as ancestor,
        len(paths.segments) - level as distance
    from paths
    cross join unnest(range(1, len(paths.segments) + 1)) as levels(level)
)
select prefixes.node, prefixes.ancestor, prefixes.distance, ancestors.node_id as ancestor_id
from prefixes
left join nodes as ancestors on ancestors.node = prefixes.ancestor;
