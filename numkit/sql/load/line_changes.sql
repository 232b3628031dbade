-- A weekly load's lines paired with the inventory's rows by line hash (loading/lines.py):
-- a line whose hash a row holds gives that row again, and is neither parsed nor written.
-- line_changes holds the rest: each line no row holds (`line_index`, its place in
-- export_lines; `kept_row` null) and each row no line holds (`kept_row`, its row id;
-- `line_index` null), which is gone or changed. The rows a change pending in numkit
-- touches (pending_changes) are never taken as held, whatever their hash: the load puts
-- back the export's row there before the reconciliation applies the change again (R29),
-- so their lines are parsed like any changed one. Rows without a hash (written from a
-- workbook, or by numkit itself) are gone the same way.
create or replace temp table line_changes as
with pending as (
    select distinct number, node from pending_changes where number is not null
),
pending_rows as (
    select numbers.rowid as kept_row
    from (select rowid, number, node from numbers
          where number_order in (select number_value(number) from pending)) as numbers
    semi join pending on pending.number = numbers.number and pending.node = numbers.node
),
kept as (
    select rowid as kept_row, line_hash
    from numbers
    where line_hash is not null and rowid not in (select kept_row from pending_rows)
)
select export_lines.rowid as line_index, kept.kept_row
from export_lines
full join kept on kept.line_hash = export_lines.line_hash
where export_lines.line_hash is null or kept.kept_row is null
union all
select null, rowid
from numbers
where line_hash is null or rowid in (select kept_row from pending_rows);
