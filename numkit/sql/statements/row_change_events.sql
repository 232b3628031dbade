-- The events of the changes in `row_changes`, one per row, in the order the operation
-- named the rows: the row before and after, every field (no `after` for a deleted row, no
-- `before` for an added one; the log keeps them as JSON), the event's number and node those after the change, and its
-- user $username or, when the operation names none, the user the row concerns (its user,
-- else the user it is reserved for, before or after).
select $action as action,
       number,
       node,
       coalesce($username::varchar,
                nullif(before.used_by, ''),
                nullif(used_by, ''),
                nullif(reserved_for, ''),
                nullif(before.reserved_for, '')) as username,
       before,
       case when change <> 'delete' then
           {number: number, node: node, status: status, usage: usage,
            reserved_for: reserved_for, used_by: used_by, release_date: release_date,
            reservation_notes: reservation_notes, description: description}
       end as after,
       change
from row_changes
order by seq;
