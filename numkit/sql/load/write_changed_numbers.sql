-- A weekly load writes only the rows that changed (rows_to_rewrite): a row gone from the
-- export is deleted, a row that differs is updated where it lies (the load drops the
-- indexes, so DuckDB updates it in place and the node order holds), and a row new to the
-- inventory is written after the others, in node-id order (layout.py decides when the
-- rows are put back in order). The inventory's rows are found by their row ids
-- (rows_to_rewrite.kept_row), which nothing changes before these writes.
delete from numbers
where rowid in (select kept_row from rows_to_rewrite
                where kept_row is not null
                  and not exists (select 1 from rewritten_rows as kept
                                  where kept.number = rows_to_rewrite.number
                                    and kept.node = rows_to_rewrite.node));
update numbers
set status = changed.status, usage = changed.usage, reserved_for = changed.reserved_for,
    used_by = changed.used_by, release_date = changed.release_date,
    reservation_notes = changed.reservation_notes, description = changed.description,
    extra = changed.extra
from (select rewritten_rows.*, rows_to_rewrite.kept_row
      from rewritten_rows
      join rows_to_rewrite on rows_to_rewrite.number = rewritten_rows.number
                          and rows_to_rewrite.node = rewritten_rows.node
      where rows_to_rewrite.kept_row is not null) as changed
where numbers.rowid = changed.kept_row;
insert into numbers by name
select added.*
from rewritten_rows as added
where not exists (select 1 from rows_to_rewrite as paired
                  where paired.number = added.number and paired.node = added.node
                    and paired.kept_row is not null)
order by added.node_id;
