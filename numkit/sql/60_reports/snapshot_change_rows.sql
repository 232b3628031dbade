-- What changed between two loaded snapshots, in no order (snapshot_changes orders them):
-- numbers added and removed, status changes, Reserved For flags set, cleared or changed,
-- numbers passed from one user to another (Used By changed; usernames compare without
-- regard to case), users onboarded, deleted or moved. Read from the rows and users paired
-- across the two (snapshot_number_pairs, snapshot_user_pairs), which decide each kind;
-- snapshot_change_counts counts the same kinds without listing them.
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
    from paired where status_changed
    union all
    select flag_change, number, node, coalesce(flag_after, flag_before), flag_before, flag_after,
           number_order
    from paired where flag_change is not null
    union all
    -- the user named is the one who has the number, or who had it
    select 'used_by_changed', number, node, coalesce(used_by_after, used_by_before),
           used_by_before, used_by_after, number_order
    from paired where used_by_changed
    union all
    select 'user_onboarded', null, node_after, username, null, node_after, null
    from users_paired where onboarded
    union all
    select 'user_deleted', null, node_before, username, node_before, null, null
    from users_paired where deleted
    union all
    select 'user_moved', null, node_after, username, node_before, node_after, null
    from users_paired where moved
)
select change, number, node, username, before, after, number_order from changes;
