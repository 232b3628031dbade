-- What operations made after load $latest changed, by kind of event: each action with its
-- events, beside how many operations made them all (one cleanup clearing 38 flags is one
-- operation; an onboarding logs its assignments too). Events in $not_lost change nothing a
-- snapshot holds (settings, loads, forgetting). Empty when nothing was made after it.
with made as (
    select action, operation_id
    from events
    where operation_id > (select max(operation_id) from events
                          where action = 'load' and (after ->> 'load_id')::bigint = $latest)
      and action not in (select unnest($not_lost))
)
select action, count(*) as events, (select count(distinct operation_id) from made) as operations
from made
group by action
order by action;
