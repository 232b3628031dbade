-- When each node will run out (docs/rules.md#r35-run-out-forecast): the trend of its
-- available numbers over the last `over_snapshots` snapshots (utilization_history), fitted
-- as a straight line by least squares against the snapshots' dates, and where that line
-- crosses the alert (alert_share of the node's total now) and zero. `of_level`: only the
-- nodes of one type (null: all).
--
-- `taken_per_week` is the net numbers the node lost per week (positive: being used up;
-- numbers added or freed count against it). The weeks are counted from the latest
-- snapshot's date, from the available count that snapshot holds, and are empty when the
-- node is not losing numbers, or when the snapshots span a single date (no trend). How sure
-- the trend is: `snapshots` (how many it rests on) and `r_squared` (1: every snapshot on
-- the line; near 0: the counts jump around it), summed up in `confidence`.
--
-- `holds_numbers`: whether numbers sit at the node itself at the latest snapshot. A node
-- holding none (`sys`, `sys.hcs`, usually the provider) only adds up the nodes under it, so
-- the report's "Running out" keeps the nodes that hold numbers.
create or replace macro run_out_forecast(over_snapshots, of_level) as table
with recent as (
    select loads.load_id, row_number() over (order by loads.load_id desc) as back
    from loads
),
window_start as (
    select min(loads.load_id) as load_id, min(loads.as_of) as as_of
    from loads
    join recent on recent.load_id = loads.load_id
    where recent.back <= over_snapshots
),
history as (
    select history.*,
           date_diff('day', (select as_of from window_start), history.as_of)::hugeint as x,
           history.available::hugeint as y
    from utilization_history(null, of_level) as history
    where history.load_id >= (select load_id from window_start)
),
-- the least-squares line from sums of whole numbers, exact: a flat series has a slope of
-- exactly 0 (a floating-point fit leaves a remainder that reads as a run-out in 10^16 weeks)
sums as (
    select
        history.node,
        arg_max(history.type, history.load_id) as type,
        max(history.load_id) as load_id,
        count(*) as snapshots,
        min(history.as_of) as since,
        max(history.as_of) as as_of,
        arg_max(history.total, history.load_id) as total,
        arg_max(history.available, history.load_id) as available,
        count(*) * sum(history.x * history.y) - sum(history.x) * sum(history.y) as co,
        count(*) * sum(history.x * history.x) - sum(history.x) * sum(history.x) as spread_x,
        count(*) * sum(history.y * history.y) - sum(history.y) * sum(history.y) as spread_y
    from history
    group by history.node
),
fitted as (
    select
        sums.* exclude (co, spread_x, spread_y),
        -- numbers per day, turned into numbers taken per week
        case when sums.spread_x > 0 then (-7 * sums.co)::double / sums.spread_x::double end
            as taken_per_week,
        case when sums.spread_x = 0 then null
             when sums.spread_y = 0 then 1.0     -- flat: every snapshot on the line
             else (sums.co::double * sums.co::double)
                  / (sums.spread_x::double * sums.spread_y::double) end as r_squared
    from sums
),
judged as (
    select
        fitted.*,
        numkit_setting('alert_share')::double * fitted.total as alert_level
    from fitted
    -- the nodes of the latest snapshot: one gone since has nothing left to run out of
    where fitted.load_id = (select max(loads.load_id) from loads)
),
holding as (
    select distinct versions.node
    from number_versions as versions
    where versions.to_load is null      -- held by the latest snapshot
)
select
    judged.node,
    judged.type,
    judged.node in (select holding.node from holding) as holds_numbers,
    judged.since,
    judged.as_of,
    judged.snapshots,
    judged.total,
    judged.available,
    case when judged.total > 0 then judged.available / judged.total end as share_available,
    judged.taken_per_week,
    case when judged.taken_per_week > 0
         then greatest(0, (judged.available - judged.alert_level) / judged.taken_per_week) end
        as weeks_to_alert,
    case when judged.taken_per_week > 0 then judged.available / judged.taken_per_week end
        as weeks_to_none,
    judged.r_squared,
    -- a line through two points always fits: a trend needs three snapshots to be judged
    case when judged.taken_per_week is null then null
         when judged.snapshots >= 6 and judged.r_squared >= 0.8 then 'high'
         when judged.snapshots >= 3 and judged.r_squared >= 0.5 then 'medium'
         else 'low' end as confidence
from judged
order by weeks_to_alert nulls last, judged.node;
