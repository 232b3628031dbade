-- The events of the changes in `row_changes`, one per row, in the order the operation
-- named the rows: the row before and after, every field (no `after` for a deleted row, no
-- `before` for an added one; the log keeps them as JSON), the event's number and node
-- those after the change, and its user $username or, when the operation names none, the
-- user the row concerns (its user, else the user it is reserved for, before or after). The fields of the rows come as
-- columns, in the order of changes.ROW_FIELDS (before's, then after's): fetched that way
-- they reach Python several times faster than as records.
select $action as action,
       number,
       node,
       coalesce($username::varchar,
                nullif(before.used_by, ''),
                nullif(used_by, ''),
                nullif(reserved_for, ''),
                nullif(before.reserved_for, '')) as username,
       change,
       before is null as added,
       change = 'delete' as deleted,
       before.number, before.node, before.status, before.usage, before.reserved_for,
       before.used_by, before.release_date, before.reservation_notes, before.description,
       number, node, status, usage, reserved_for, used_by, release_date, reservation_notes,
       description
from row_changes
order by seq;
