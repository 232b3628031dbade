-- The first snapshot into a database: every row begins a version.
insert into number_versions by name
select getvariable('numkit_kept_load') as from_load, null as to_load, load_rows.* exclude (node_id)
from load_rows;
