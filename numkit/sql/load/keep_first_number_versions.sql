-- The first snapshot into a database: every row begins a version, copied from the
-- inventory just written (the export's rows, read once).
insert into number_versions by name
select getvariable('numkit_kept_load') as from_load, null as to_load, numbers.* exclude (node_id, line_hash)
from numbers;
