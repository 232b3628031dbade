-- Every number row a weekly load that parsed only the changed lines leaves (as valid_numbers
-- gives them): the inventory's rows whose lines are unchanged, and the changed lines' rows.
create or replace temp view valid_numbers as
select * exclude (line_hash) from changed_numbers
union all by name
select kept.number, kept.node, kept.status, kept.usage, kept.reserved_for, kept.used_by,
       kept.release_date, kept.reservation_notes, kept.description, kept.extra
from numbers as kept
where kept.rowid not in (select kept_row from line_changes where kept_row is not null);
