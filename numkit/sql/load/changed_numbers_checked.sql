-- What a weekly load that parsed only the changed lines checks (load/numbers_problems): those
-- lines, and every row the inventory keeps that a check between rows could pair with one
-- of them (a row of the same number, which a duplicate or a number twice on one path would
-- be) or that a check of another file could fail (a row used by a user no longer active).
-- The other rows kept are lines loaded and checked before under the same header and
-- statuses, alone and against each other. A row kept carries no row of the export (its
-- `_row` is negative): any problem found sends the load back to reading the whole file,
-- which reports every problem by row.
drop view if exists temp.checked_numbers;
drop table if exists temp.checked_numbers;
create temp table checked_numbers as
select * exclude (line_hash) from changed_numbers
union all by name
select -1 - kept.rowid as _row, kept.number, kept.node, kept.status, kept.usage,
       kept.reserved_for, kept.used_by, kept.release_date, kept.reservation_notes,
       kept.description, kept.extra
from numbers as kept
where kept.rowid not in (select kept_row from line_changes where kept_row is not null)
  and (kept.number_order in (select number_value(number) from changed_numbers
                             where number is not null)
       or (kept.used_by is not null
           and lower(kept.used_by) not in (select user_key from load_active_users)));
