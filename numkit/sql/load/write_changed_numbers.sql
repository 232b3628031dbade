-- A weekly load writes only the rows that changed (rows_to_rewrite): the inventory's row
-- of each is deleted where it lies (DuckDB marks it deleted: no row group is rewritten,
-- where an update in place made the commit rewrite every group it touched, all of them at
-- 1 % churn), and the snapshot's row, changed or new, is appended in node-id order (as
-- replace_numbers writes them). The load attaches the file with small row groups for it
-- (storage.CHANGE_GROUP_ROWS), so a viewpoint reads only the few appended groups that hold
-- its nodes; layout.py decides when the rows are put back in order. The inventory's rows
-- are found by their row ids (rows_to_rewrite.kept_row), which nothing changes before
-- these writes.
delete from numbers
where rowid in (select kept_row from rows_to_rewrite where kept_row is not null);
insert into numbers by name
select rewritten_rows.*
from rewritten_rows
order by rewritten_rows.node_id;
