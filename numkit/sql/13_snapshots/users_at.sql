-- The active users of the snapshot loaded by `load_id`.
create or replace macro users_at(load_id) as table
select * exclude (from_load, to_load)
from user_versions
where from_load <= load_id and (to_load is null or to_load > load_id);
