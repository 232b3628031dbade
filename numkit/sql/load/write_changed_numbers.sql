-- A weekly load writes only the rows that changed (rows_to_rewrite): a row gone from the
-- export is deleted, a row that differs is updated where it lies (the load drops the
-- indexes, so DuckDB updates it in place and the node order holds), and a row new to the
-- inventory is written after the others, in node-id order (layout.py decides when the
-- rows are put back in order).
delete from numbers
using rows_to_rewrite
where numbers.number = rows_to_rewrite.number and numbers.node = rows_to_rewrite.node
  and not exists (select 1 from rewritten_rows as kept
                  where kept.number = rows_to_rewrite.number and kept.node = rows_to_rewrite.node);
update numbers
set status = changed.status, usage = changed.usage, reserved_for = changed.reserved_for,
    used_by = changed.used_by, release_date = changed.release_date,
    reservation_notes = changed.reservation_notes, description = changed.description,
    extra = changed.extra
from rewritten_rows as changed
where numbers.number = changed.number and numbers.node = changed.node;
insert into numbers by name
select added.*
from rewritten_rows as added
where not exists (select 1 from numbers where numbers.number = added.number and numbers.node = added.node)
order by added.node_id;
