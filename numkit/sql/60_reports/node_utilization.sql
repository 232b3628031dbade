-- How full each node is: counts by effective status of every row the node's administrator
-- manages (the node and its descendants). VOSS alerts when less than `alert_share`
-- (10% by default) is available.
create or replace view node_utilization as
-- Counted per node id and stored status first, and the Reserved and Cooling rows released
-- by as_of counted apart (the only rows whose status changes), then turned into effective
-- statuses and added up the hierarchy: a few rows per node to roll up, instead of every
-- row once per ancestor.
with by_stored_status as (
    select numbers.node_id, numbers.status, count(*) as total
    from numbers
    group by numbers.node_id, numbers.status
),
released as (
    select numbers.node_id, numbers.status, count(*) as released
    from numbers
    where numbers.status in ('Cooling', 'Reserved')   -- read first: most rows fail it
      and released_by_as_of(numbers.status, numbers.release_date)
    group by numbers.node_id, numbers.status
),
own as (
    select
        nodes.node,
        sum(stored.total) as total,
        sum(case when stored.status = 'Available' then stored.total
                 else coalesce(released.released, 0) end) as available,
        sum(stored.total) filter (where stored.status = 'Used') as used,
        sum(stored.total) filter (where stored.status = 'Used-Utility') as used_utility,
        sum(stored.total - coalesce(released.released, 0))
            filter (where stored.status = 'Reserved') as reserved,
        sum(stored.total - coalesce(released.released, 0))
            filter (where stored.status = 'Cooling') as cooling,
        sum(stored.total) filter (where stored.status = 'Inactive') as inactive
    from by_stored_status as stored
    left join released
           on released.node_id = stored.node_id and released.status = stored.status
    join nodes on nodes.node_id = stored.node_id
    group by nodes.node
),
counts as (
    select
        node_ancestors.ancestor as node,
        sum(own.total)::bigint as total,
        coalesce(sum(own.available), 0)::bigint as available,
        coalesce(sum(own.used), 0)::bigint as used,
        coalesce(sum(own.used_utility), 0)::bigint as used_utility,
        coalesce(sum(own.reserved), 0)::bigint as reserved,
        coalesce(sum(own.cooling), 0)::bigint as cooling,
        coalesce(sum(own.inactive), 0)::bigint as inactive
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
