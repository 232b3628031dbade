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
-- The kept rows are chosen by row id from two narrow scans (the numbers of the changed lines,
-- the rows used by a user the load does not have), then read whole: filtering every column
-- of every row took twice as long at 10 M numbers. Only the rows used by someone are paired
-- with the users (an anti join: the users file has no problem here, so no user key is null).
create temp table checked_numbers as
with same_number as (
    select rowid as kept_row
    from numbers
    where number_order in (select number_value(number) from changed_numbers
                           where number is not null)
),
used_by_inactive as (
    select held.kept_row
    from (select rowid as kept_row, lower(used_by) as user_key
          from numbers where used_by is not null) as held
    anti join load_active_users on load_active_users.user_key = held.user_key
),
to_check as (
    select kept_row from same_number
    union
    select kept_row from used_by_inactive
    except
    select kept_row from line_changes where kept_row is not null
)
select * exclude (line_hash) from changed_numbers
union all by name
select -1 - kept.rowid as _row, kept.number, kept.node, kept.status, kept.usage,
       kept.reserved_for, kept.used_by, kept.release_date, kept.reservation_notes,
       kept.description, kept.extra
from numbers as kept
where kept.rowid in (select kept_row from to_check);
