-- rows_to_rewrite and rewritten_rows (as load/rows_to_rewrite and load/rewritten_rows make
-- them) of a weekly load that parsed only the changed lines: the rows of those lines, and
-- the inventory's rows no line holds any more, each found by its row id.
create or replace temp table rewritten_rows as
select changed.number, changed.node, changed.status, changed.usage, changed.reserved_for,
       changed.used_by, changed.release_date, changed.reservation_notes, changed.description,
       changed.extra, nodes.node_id, number_value(changed.number) as number_order,
       changed.line_hash
from changed_numbers as changed
join nodes on nodes.node = changed.node;
create or replace temp table rows_to_rewrite as
select number, node, max(kept_row) as kept_row
from (
    select number, node, null::bigint as kept_row from rewritten_rows
    union all
    select number, node, rowid
    from numbers
    where rowid in (select kept_row from line_changes where kept_row is not null)
)
group by number, node;
