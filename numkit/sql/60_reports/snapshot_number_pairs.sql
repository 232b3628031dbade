-- The number rows that changed between two loaded snapshots, each paired with itself in
-- the other (rules R36): a row of one snapshot and the row of the same number and node in
-- the other, or nothing where it is added or removed. Only the versions one snapshot holds
-- and the other does not are read: a version both hold is the same row in both (the
-- history keeps each version once), so the work grows with what changed between the two.
-- Each kind of change a pair makes is decided here, once, as a column (a pair can make
-- several: status, flag and user changed together): snapshot_change_rows lists the changes
-- from these columns and snapshot_change_counts counts them, so the two cannot disagree.
create or replace macro snapshot_number_pairs(from_load, to_load) as table
with earlier as (
    select * from number_versions as versions
    where held_at_one_only(versions.from_load, versions.to_load, from_load, to_load)
),
later as (
    select * from number_versions as versions
    where held_at_one_only(versions.from_load, versions.to_load, to_load, from_load)
),
paired as (
    select
        coalesce(later.number, earlier.number) as number,
        coalesce(later.node, earlier.node) as node,
        coalesce(later.number_order, earlier.number_order) as number_order,
        earlier.number is null as added,
        later.number is null as removed,
        earlier.status as status_before,
        later.status as status_after,
        earlier.reserved_for as flag_before,
        later.reserved_for as flag_after,
        earlier.used_by as used_by_before,
        later.used_by as used_by_after
    from earlier
    full join later on later.number = earlier.number and later.node = earlier.node
)
select
    *,
    not added and not removed and status_before <> status_after as status_changed,
    -- a row added with a flag sets it; a row removed takes its flag with it unreported; a
    -- flag respelled in another case names the same user (rules R3): no change
    case when removed or lower(flag_before) is not distinct from lower(flag_after) then null
         when flag_before is null then 'reserved_for_set'
         when flag_after is null then 'reserved_for_cleared'
         else 'reserved_for_changed' end as flag_change,
    -- taken into use or let go (one side empty) is a change too
    not added and not removed
        and lower(used_by_before) is distinct from lower(used_by_after) as used_by_changed
from paired;
