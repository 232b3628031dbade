-- The events of the changes in `row_changes` appended to the log, one per row, in the order
-- the operation named the rows, each after the events the operation made itself that come
-- before it ($lead_*, aligned lists: action, number, node, username, before and after as
-- JSON text, and $lead_seqs the seq of the row each comes before; users' events). A row's
-- event records the row before and after, every field, as JSON (no `after` for a deleted
-- row, no `before` for an added one); its number and node are those after the change, its
-- user the one the operation names for the row or, when it names none, the user the row
-- concerns (its user, else the user it is reserved for, before or after). $actor made them
-- all. Event ids follow that order.
insert into events (operation_id, "at", as_of, action, number, node, username, before, after,
                    actor)
select $operation_id, $at, $as_of, action, number, node, username, before, after,
       $actor::varchar
from (
    select unnest($lead_seqs::integer[]) as seq,
           0 as part,
           generate_subscripts($lead_seqs::integer[], 1) as ord,
           unnest($lead_actions::varchar[]) as action,
           unnest($lead_numbers::varchar[]) as number,
           unnest($lead_nodes::varchar[]) as node,
           unnest($lead_usernames::varchar[]) as username,
           unnest($lead_befores::varchar[])::json as before,
           unnest($lead_afters::varchar[])::json as after
    union all
    select seq,
           1 as part,
           0 as ord,
           $action::varchar as action,
           number,
           node,
           coalesce(username,
                    nullif(before.used_by, ''),
                    nullif(used_by, ''),
                    nullif(reserved_for, ''),
                    nullif(before.reserved_for, '')) as username,
           to_json(before) as before,
           case when change <> 'delete' then to_json(
               {number: number, node: node, status: status, usage: usage,
                reserved_for: reserved_for, used_by: used_by, release_date: release_date,
                reservation_notes: reservation_notes, description: description}) end as after
    from row_changes
)
order by seq, part, ord;
