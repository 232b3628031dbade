-- How full each node is: counts by effective status of every row the node's administrator
-- manages (the node and its descendants). VOSS alerts when less than `alert_share`
-- (10% by default) is available.
create or replace view node_utilization as
-- Counted per node first, then added up the hierarchy: a few rows per node to roll up,
-- instead of every row once per ancestor.
with own as (
    select
        numbers_effective.node,
        count(*) as total,
        count(*) filter (where effective_status = 'Available') as available,
        count(*) filter (where effective_status = 'Used') as used,
        count(*) filter (where effective_status = 'Used-Utility') as used_utility,
        count(*) filter (where effective_status = 'Reserved') as reserved,
        count(*) filter (where effective_status = 'Cooling') as cooling,
        count(*) filter (where effective_status = 'Inactive') as inactive
    from numbers_effective
    group by numbers_effective.node
),
counts as (
    select
        node_ancestors.ancestor as node,
        sum(own.total)::bigint as total,
        sum(own.available)::bigint as available,
        sum(own.used)::bigint as used,
        sum(own.used_utility)::bigint as used_utility,
        sum(own.reserved)::bigint as reserved,
        sum(own.cooling)::bigint as cooling,
        sum(own.inactive)::bigint as inactive
    from own
    join node_ancestors on node_ancestors.node = own.node
    group by node_ancestors.ancestor
)
select
    nodes.node,
    nodes.type,
    coalesce(counts.total, 0) as total,
    coalesce(counts.available, 0) as available,
    coalesce(counts.used, 0) as used,
    coalesce(counts.used_utility, 0) as used_utility,
    coalesce(counts.reserved, 0) as reserved,
    coalesce(counts.cooling, 0) as cooling,
    coalesce(counts.inactive, 0) as inactive,
    counts.available / counts.total as share_available,
    coalesce(counts.available / counts.total < numkit_setting('alert_share')::double, false) as alert
from nodes
left join counts on counts.node = nodes.node
order by nodes.node;
