-- A row a non-strict load rejected is no sign that VOSS removed or changed it: when a
-- change decided in numkit is pending on it, the row is kept as it was last loaded (as
-- VOSS had it), in the inventory and in the snapshot, and the change is judged against
-- that: still pending. (Rejected rows whose number or node cannot be read name no row.)
create or replace temp table unread_kept_rows as
select last.number, last.node, last.status, last.usage, last.reserved_for, last.used_by,
       last.release_date, last.reservation_notes, last.description, last.extra, nodes.node_id,
       last.number_order, null::ubigint as line_hash
from numbers_at((select max(load_id) from loads where load_id < $load_id)) as last
join nodes on nodes.node = last.node
where exists (select 1 from pending_at_load as pending
              where pending.number = last.number and pending.node = last.node)
  and exists (select 1 from checked_numbers as unread
              where unread._row in (select row from rejected_numbers)
                and unread.number = last.number and unread.node = last.node)
  and not exists (select 1 from valid_numbers as loaded
                  where loaded.number = last.number and loaded.node = last.node);
