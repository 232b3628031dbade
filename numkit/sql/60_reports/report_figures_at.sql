-- The cleanup report's headline figures as they stood at the snapshot of `at_load`
-- (docs/rules.md#r40-the-reports-first-screen), judged at that snapshot's own date, its as
-- of and its snapshot date both (R7, as R34 counts): rows held for users not active then
-- (R22: deleted at least `older_than` days before that date, or never deleted by then),
-- cooling stuck then (R23), reservations stranded then (R24), and nodes whose share
-- available was below the alert share (R25, R34). The report sets them beside today's.
create or replace macro report_figures_at(at_load, older_than) as table
with snapshot as (
    select loads.as_of from loads where loads.load_id = at_load
),
rows_then as (
    select rows.node, rows.status, rows.reserved_for, rows.release_date
    from numbers_at(at_load) as rows
),
users_then as (
    select lower(users.username) as user_key, users.node
    from users_at(at_load) as users
),
deletions_then as (
    select lower(deleted_users.username) as user_key, max(deleted_users.deleted_at) as deleted_at
    from deleted_users
    where deleted_users.deleted_at <= (select snapshot.as_of from snapshot)
    group by lower(deleted_users.username)
),
held as (
    select deletions_then.deleted_at
    from rows_then
    anti join users_then on users_then.user_key = lower(rows_then.reserved_for)
    left join deletions_then on deletions_then.user_key = lower(rows_then.reserved_for)
    where rows_then.reserved_for is not null
),
stranded as (
    -- a node sees itself and the nodes above it: its path prefixes (R1, R8)
    select count(*) as stranded
    from rows_then
    join users_then on users_then.user_key = lower(rows_then.reserved_for)
    where rows_then.node <> users_then.node
      and not starts_with(users_then.node, rows_then.node || '.')
),
alerts as (
    select count(*) as nodes_below_alert
    from utilization_history(null, null) as history
    where history.load_id = at_load
      and history.share_available < numkit_setting('alert_share')::double
)
select
    at_load as load_id,
    (select snapshot.as_of from snapshot) as as_of,
    (select count(*) from held
     where held.deleted_at is null
        or held.deleted_at <= (select snapshot.as_of from snapshot) - older_than) as held,
    (select count(*) from held
     where held.deleted_at <= (select snapshot.as_of from snapshot) - older_than) as deleted,
    (select count(*) from held where held.deleted_at is null) as never_onboarded,
    (select count(*) from rows_then
     where rows_then.status = 'Cooling'
       and (rows_then.release_date is null
            or rows_then.release_date < (select snapshot.as_of from snapshot) - 20)) as stuck_cooling,
    (select stranded.stranded from stranded) as stranded,
    (select alerts.nodes_below_alert from alerts) as nodes_below_alert;
