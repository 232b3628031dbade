-- How full each node was at every loaded snapshot (docs/rules.md#r34-utilization-history):
-- per snapshot and node, the numbers the node and its descendants held, how many of them
-- were available, and the share, counted as node_utilization counts them with the
-- snapshot's own date as both the as of and the snapshot date (R7): Available, or Reserved
-- or Cooling whose release date had come by then, Cooling that was not stuck by then.
-- `of_node` narrows the answer to one node, `of_level` to the nodes of one type (null: all).
--
-- Counted from the versions, never from whole snapshots: a version adds one to its node
-- from the load it appeared in and stops at the load that no longer found it, so a node's
-- counts at each load are a running sum of those starts and ends. Each version is read
-- once however many snapshots it spans, and the few rows per node and load are then added
-- up the hierarchy.
create or replace macro utilization_history(of_node, of_level) as table
with load_dates as (
    select loads.load_id, loads.as_of from loads
),
-- A Reserved or Cooling version becomes available at the first load dated on or after its
-- release date; a Cooling one stops being so at the first load dated more than 20 days
-- after it (stuck from then on, R7). Loads come in date order, so both are load ids, found
-- for every day from 21 days before the first load to the last: an earlier release date
-- is counted as that first day (released and stuck from the first load), a later one is
-- never released within the history.
first_day as (
    select min(load_dates.as_of) - 21 as day from load_dates
),
release_loads as (
    select
        days.day,
        min(load_dates.load_id) filter (where load_dates.as_of >= days.day) as released_from,
        min(load_dates.load_id) filter (where load_dates.as_of > days.day + 20) as stuck_from
    from (select unnest(range(first_day.day, (select max(as_of) from load_dates) + 1,
                              interval 1 day))::date as day
          from first_day) as days
    cross join load_dates
    group by days.day
),
released_spans as (
    select
        versions.node,
        greatest(versions.from_load, release_loads.released_from) as starts,
        case when versions.status = 'Cooling' then least(versions.to_load, release_loads.stuck_from)
             else versions.to_load end as ends
    from number_versions as versions
    cross join first_day
    join release_loads on release_loads.day = greatest(versions.release_date, first_day.day)
    where versions.status in ('Cooling', 'Reserved')
      and versions.release_date is not null     -- greatest() would read a missing date as the first day
),
-- every start and end of a count, by node and load
changes as (
    select versions.node, versions.from_load as load_id, count(*) as total,
           count(*) filter (where versions.status = 'Available') as available
    from number_versions as versions
    group by versions.node, versions.from_load
    union all
    select versions.node, versions.to_load, -count(*),
           -count(*) filter (where versions.status = 'Available')
    from number_versions as versions
    where versions.to_load is not null
    group by versions.node, versions.to_load
    union all
    select spans.node, spans.starts, 0, count(*)
    from released_spans as spans
    where spans.ends is null or spans.starts < spans.ends
    group by spans.node, spans.starts
    union all
    select spans.node, spans.ends, 0, -count(*)
    from released_spans as spans
    where spans.ends is not null and spans.starts < spans.ends
    group by spans.node, spans.ends
),
events as (
    select changes.node, changes.load_id,
           sum(changes.total) as total, sum(changes.available) as available
    from changes
    group by changes.node, changes.load_id
),
-- the nodes of each snapshot's hierarchy, with their type then
hierarchy as (
    select load_dates.load_id, versions.node, versions.type
    from load_dates
    join node_versions as versions
      on versions.from_load <= load_dates.load_id
     and (versions.to_load is null or versions.to_load > load_dates.load_id)
    where of_node is null or versions.node = of_node
),
-- a node's ancestors are its path prefixes (R1), whatever the hierarchy said at the time
prefixes as (
    select paths.node, array_to_string(paths.segments[1:level], '.') as ancestor
    from (select nodes_held.node, string_split(nodes_held.node, '.') as segments
          from (select distinct events.node from events) as nodes_held) as paths
    cross join unnest(range(1, len(paths.segments) + 1)) as levels(level)
),
-- every node counted, numbered: the running sums below go by number, not by path
every_node as (
    select named.node, row_number() over (order by named.node) as node_key
    from (select prefixes.ancestor as node from prefixes
          where of_node is null or prefixes.ancestor = of_node
          union
          select hierarchy.node from hierarchy) as named
),
rolled_up as (
    select every_node.node_key, events.load_id,
           sum(events.total) as total, sum(events.available) as available
    from events
    join prefixes on prefixes.node = events.node
    join every_node on every_node.node = prefixes.ancestor
    group by every_node.node_key, events.load_id
),
running as (
    select
        every_node.node_key,
        load_dates.load_id,
        load_dates.as_of,
        coalesce(sum(rolled_up.total) over by_load, 0)::bigint as total,
        coalesce(sum(rolled_up.available) over by_load, 0)::bigint as available
    from every_node
    cross join load_dates
    left join rolled_up
           on rolled_up.node_key = every_node.node_key and rolled_up.load_id = load_dates.load_id
    window by_load as (partition by every_node.node_key order by load_dates.load_id
                       rows unbounded preceding)
),
-- a node is in a snapshot when that snapshot's hierarchy has it or it held numbers then (a
-- load made before numkit kept the hierarchy's history has only the second)
counted as (
    select running.*, every_node.node, coalesce(hierarchy.type, nodes.type) as type
    from running
    join every_node on every_node.node_key = running.node_key
    left join hierarchy on hierarchy.load_id = running.load_id and hierarchy.node = every_node.node
    left join nodes on nodes.node = every_node.node
    where hierarchy.node is not null or running.total <> 0
)
select
    counted.load_id,
    counted.as_of,
    counted.node,
    counted.type,
    counted.total,
    counted.available,
    case when counted.total > 0 then counted.available / counted.total end as share_available
from counted
where of_level is null or counted.type = of_level
order by counted.load_id, counted.node_key;
