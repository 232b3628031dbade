-- What changed between two loaded snapshots, in no order (snapshot_changes orders them):
-- numbers added and removed, status changes, Reserved For flags set, cleared or changed,
-- numbers passed from one user to another (Used By changed; usernames compare without
-- regard to case), users onboarded, deleted or moved. Read from the rows and users paired
-- across the two (snapshot_number_pairs, snapshot_user_pairs); snapshot_change_counts
-- counts the same kinds by the same conditions without listing them.
create or replace macro snapshot_change_rows(from_load, to_load) as table
with paired as (
    select * from snapshot_number_pairs(from_load, to_load)
),
users_paired as (
    select * from snapshot_user_pairs(from_load, to_load)
),
changes as (
    select 'number_added' as change, number, node, null as username, null as before,
           status_after as after, number_order
    from paired where added
    union all
    select 'number_removed', number, node, null, status_before, null, number_order
    from paired where removed
    union all
    select 'status_changed', number, node, null, status_before, status_after, number_order
    from paired where not added and not removed and status_before <> status_after
    union all
    select case when flag_before is null then 'reserved_for_set'
                when flag_after is null then 'reserved_for_cleared'
                else 'reserved_for_changed' end,
           number, node, coalesce(flag_after, flag_before), flag_before, flag_after, number_order
    from paired
    where not removed and flag_before is distinct from flag_after
      and not (added and flag_after is null)
    union all
    -- taken into use or let go (one side empty) is a change too; the user named is the one
    -- who has the number, or who had it
    select 'used_by_changed', number, node, coalesce(used_by_after, used_by_before),
           used_by_before, used_by_after, number_order
    from paired
    where not added and not removed and lower(used_by_before) is distinct from lower(used_by_after)
    union all
    select 'user_onboarded', null, node_after, username, null, node_after, null
    from users_paired where onboarded
    union all
    select 'user_deleted', null, node_before, username, node_before, null, null
    from users_paired where deleted
    union all
    select 'user_moved', null, node_after, username, node_before, node_after, null
    from users_paired where not onboarded and not deleted and node_before <> node_after
)
select change, number, node, username, before, after, number_order from changes;
