-- Events the operation made itself (users', settings', loads'), appended to the log in the
-- order given: $actions, $numbers, $nodes, $usernames, $befores and $afters (JSON text),
-- aligned lists; $actor made them all.
insert into events (operation_id, "at", as_of, action, number, node, username, before, after,
                    actor)
select $operation_id, $at, $as_of, action, number, node, username, before::json, after::json,
       $actor::varchar
from (select unnest($actions::varchar[]) as action,
             unnest($numbers::varchar[]) as number,
             unnest($nodes::varchar[]) as node,
             unnest($usernames::varchar[]) as username,
             unnest($befores::varchar[]) as before,
             unnest($afters::varchar[]) as after,
             generate_subscripts($actions::varchar[], 1) as ord)
order by ord;
