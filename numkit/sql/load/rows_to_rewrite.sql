-- The number rows (number, node) a weekly load rewrites: those where the snapshot differs
-- from the inventory, and those a change decided in numkit touches (pending_at_load: the
-- inventory differs there from the snapshot before, and the reconciliation puts back the
-- export's row before it applies the change again).
--
-- Rows pair by node id, number order and a 64-bit hash of every column (load/row_hash:
-- number and node included): a row whose hash differs, or that has no partner, is
-- rewritten. Carrying one integer instead of every column halves the comparison of ten
-- million rows (8.6 s to 4.3 s: the whole rows did not fit the load's memory). A change
-- that leaves a row's hash as it was would be missed. Each row the inventory holds
-- keeps its row id (`kept_row`; null for a row new to it): the writes find it by that
-- integer, not by comparing the number and node strings of ten million rows again.
create or replace temp table rows_to_rewrite as
with loaded as (
    select node_id, number_order, number, node,
           row_hash(number, node, status, usage, reserved_for, used_by, release_date,
                    reservation_notes, description, extra) as row_hash
    from load_rows
),
kept as (
    select rowid as kept_row, node_id, number_order, number, node,
           row_hash(number, node, status, usage, reserved_for, used_by, release_date,
                    reservation_notes, description, extra) as row_hash
    from numbers
),
differing as (
    select coalesce(loaded.number, kept.number) as number, coalesce(loaded.node, kept.node) as node,
           kept.kept_row
    from loaded
    full join kept
      on kept.node_id = loaded.node_id and kept.number_order = loaded.number_order
     and kept.row_hash = loaded.row_hash
    where kept.row_hash is null or loaded.row_hash is null
    union all
    select pending.number, pending.node, numbers.rowid
    from (select distinct number, node from pending_at_load where number is not null) as pending
    left join numbers on numbers.number = pending.number and numbers.node = pending.node
)
select number, node, max(kept_row) as kept_row
from differing
group by number, node;
