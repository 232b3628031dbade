-- What changed between two loaded snapshots (snapshot_change_rows), in order: by kind,
-- then number (number_order is number_value(number), kept with each version), node and
-- username.
create or replace macro snapshot_changes(from_load, to_load) as table
select change, number, node, username, before, after
from snapshot_change_rows(from_load, to_load)
order by change, number_sort_key(number_order, number), node, lower(username);
