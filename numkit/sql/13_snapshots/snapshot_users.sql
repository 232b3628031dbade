-- Every loaded snapshot's users, one row per load and user: the history as whole copies
-- (user_versions keeps each version once). For reading by hand; numkit reads users_at.
create or replace view snapshot_users as
select loads.load_id, versions.* exclude (from_load, to_load)
from loads
join user_versions as versions
  on versions.from_load <= loads.load_id
 and (versions.to_load is null or versions.to_load > loads.load_id);
