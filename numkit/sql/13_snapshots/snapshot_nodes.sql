-- Every loaded snapshot's nodes, one row per load and node: the history as whole copies
-- (node_versions keeps each version once). For reading by hand; numkit reads nodes_at.
create or replace view snapshot_nodes as
select loads.load_id, versions.* exclude (from_load, to_load)
from loads
join node_versions as versions
  on versions.from_load <= loads.load_id
 and (versions.to_load is null or versions.to_load > loads.load_id);
