-- Every loaded snapshot's numbers, one row per load and number: the history as whole copies
-- (number_versions keeps each version once). For reading by hand; numkit reads numbers_at.
create or replace view snapshot_numbers as
select loads.load_id, versions.* exclude (from_load, to_load)
from loads
join number_versions as versions
  on versions.from_load <= loads.load_id
 and (versions.to_load is null or versions.to_load > loads.load_id);
