-- The number rows (number, node) a weekly load rewrites: those where the snapshot differs
-- from the inventory, every column compared, and those a change decided in numkit touches
-- (pending_at_load: the inventory differs there from the snapshot before, and the
-- reconciliation puts back the export's row before it applies the change again). The
-- comparison pairs rows by node id and number order first, integers, then by the text.
create or replace temp table rows_to_rewrite as
select coalesce(loaded.number, kept.number) as number, coalesce(loaded.node, kept.node) as node
from load_rows as loaded
full join numbers as kept
  on kept.node_id = loaded.node_id and kept.number_order = loaded.number_order
 and kept.number = loaded.number and kept.node = loaded.node
where kept.number is null or loaded.number is null
   or kept.status is distinct from loaded.status
   or kept.usage is distinct from loaded.usage
   or kept.reserved_for is distinct from loaded.reserved_for
   or kept.used_by is distinct from loaded.used_by
   or kept.release_date is distinct from loaded.release_date
   or kept.reservation_notes is distinct from loaded.reservation_notes
   or kept.description is distinct from loaded.description
   or kept.extra::varchar is distinct from loaded.extra::varchar
union
select number, node from pending_at_load where number is not null;
