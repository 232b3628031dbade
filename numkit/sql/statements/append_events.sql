-- The events of one operation, from the registered frame `new_events`.
insert into events (operation_id, "at", as_of, action, number, node, username, before, after)
select $operation_id, $at, $as_of, action, number, node, username, before::json, after::json
from new_events;
