-- The snapshot's number rows kept as versions: where a row differs from the version the
-- latest snapshot holds, or is gone, that version ends at this load
-- (getvariable('numkit_kept_load')); where it differs or is new, a version begins. Only
-- the rows the load rewrote (rows_to_rewrite) can differ: elsewhere the inventory held the
-- latest snapshot's row and the export holds it still.
create or replace temp table number_changes as
with candidates as (
    select * from rows_to_rewrite
),
-- the stored number order first: an integer read, then the few versions it finds compared
-- by their strings (comparing the number and node strings of every version took a second
-- at 10 M numbers)
was as (
    select versions.*
    from (select * from number_versions
          where to_load is null
            and number_order in (select number_value(number) from candidates)) as versions
    semi join candidates on candidates.number = versions.number and candidates.node = versions.node
),
now as (
    select * from rewritten_rows
)
select coalesce(now.number, was.number) as number, coalesce(now.node, was.node) as node,
       was.number is not null as ends, now.number is not null as begins
from now
full join was on was.number = now.number and was.node = now.node
where was.number is null or now.number is null
   or {s: was.status, u: was.usage, r: was.reserved_for, b: was.used_by, d: was.release_date,
       n: was.reservation_notes, t: was.description, x: was.extra::varchar}
      is distinct from
      {s: now.status, u: now.usage, r: now.reserved_for, b: now.used_by, d: now.release_date,
       n: now.reservation_notes, t: now.description, x: now.extra::varchar};
update number_versions
set to_load = getvariable('numkit_kept_load')
from number_changes
where number_versions.to_load is null and number_changes.ends
  and number_versions.number = number_changes.number and number_versions.node = number_changes.node;
insert into number_versions by name
select getvariable('numkit_kept_load') as from_load, null as to_load,
       rewritten_rows.* exclude (node_id, line_hash)
from rewritten_rows
semi join (select number, node from number_changes where begins) as begun
  on begun.number = rewritten_rows.number and begun.node = rewritten_rows.node;
