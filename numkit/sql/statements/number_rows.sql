-- Every row holding $number, wherever it sits, as it stands at as_of (the columns of
-- numbers_effective), with the nodes it is seen from (R8): its own node and every node below
-- it, counted (nodes_below) and counted by type (below_by_type, a type null for an untyped
-- node). One number names at most one row seen from any node (R6), but several customers
-- may each hold it.
with held as (
    select numbers_effective.* exclude (extra, node_id, number_order)
    from numbers_effective
    -- by the number itself, as why_not finds it, not by the stored number_order: a row
    -- written with plain SQL may lack it (check() reports it), and must be found all the same
    where numbers_effective.number = $number
),
below as (
    select held.node, below.type, count(*) as nodes
    from held
    join node_ancestors as seen on seen.ancestor = held.node and seen.distance > 0
    join nodes as below on below.node = seen.node
    group by all
)
select
    held.*,
    coalesce((select sum(below.nodes) from below where below.node = held.node), 0)::bigint
        as nodes_below,
    coalesce((select list({type: below.type, nodes: below.nodes} order by below.type nulls last)
              from below where below.node = held.node), []) as below_by_type
from held
order by held.node;
