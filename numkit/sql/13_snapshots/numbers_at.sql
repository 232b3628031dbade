-- The number rows of the snapshot loaded by `load_id`, every column, as that load found them.
create or replace macro numbers_at(load_id) as table
select * exclude (from_load, to_load)
from number_versions
where from_load <= load_id and (to_load is null or to_load > load_id);
