-- The decisions made in numkit that VOSS does not have yet: the difference between the
-- inventory now and the snapshot it was last loaded from (README, "Round trip with VOSS").
-- One row per changed field: of a number row (`status`, `reserved_for`, `used_by`,
-- `release_date`, `reservation_notes`, `usage`, `description`), added, removed or changed,
-- and of a user (`node`), added, deleted or moved. Usernames compare without regard to
-- case. An operation undone by a later one leaves nothing here: the two states are
-- compared, the events are not replayed.
--
-- Only rows an event has touched since the load (or that the load re-applied, still
-- pending) are compared: every change an operation makes is an event, and comparing ten
-- million untouched rows would only find them equal. Each change keeps the events that
-- made it, those re-applied by loads included, the time of the earliest (`decided_at`) and
-- who made them (`decided_by`, actors_of): a field's change, the events that changed that
-- field since it last held the snapshot's value (a flag set, cleared and set again was
-- decided by the last setting); a row added or removed, every event of the row.
create or replace view pending_changes as
with latest as (
    select numkit_latest_load() as load_id
),
load_operation as (
    select max(operation_id) as operation_id
    from events
    where action = 'load' and (after ->> 'load_id')::bigint = (select load_id from latest)
),
since as (
    select event_id, "at", number, node, username, before, after
    from events
    where operation_id > coalesce((select operation_id from load_operation), -1)
),
carried as (
    select kind, number, node, username, field, event_ids
    from reconciliations
    where load_id = (select load_id from latest) and outcome = 'pending'
),
row_events as (
    select event_id, number, node from since where number is not null
    union
    select event_id, number, before ->> 'node' from since where number is not null and before is not null
    union
    select event_id, number, after ->> 'node' from since where number is not null and after is not null
    union
    select unnest(event_ids), number, node from carried where number is not null
),
touched as (
    select distinct number, node from row_events where node is not null
),
-- the stored number order first: an integer read, then the few rows it finds compared
touched_orders as (
    select distinct number_value(number) as number_order from touched
),
now_rows as (
    select numbers.number, numbers.node, status, usage, reserved_for, used_by,
           release_date::varchar as release_date, reservation_notes, description
    from (select * from numbers
          where number_order in (select number_order from touched_orders)) as numbers
    semi join touched on touched.number = numbers.number and touched.node = numbers.node
),
was_rows as (
    select snapshot_numbers.number, snapshot_numbers.node, status, usage, reserved_for, used_by,
           release_date::varchar as release_date, reservation_notes, description
    from (select * from numbers_at(numkit_latest_load())
          where number_order in (select number_order from touched_orders)) as snapshot_numbers
    semi join touched on touched.number = snapshot_numbers.number and touched.node = snapshot_numbers.node
),
paired as (
    select
        coalesce(now_rows.number, was_rows.number) as number,
        coalesce(now_rows.node, was_rows.node) as node,
        case when was_rows.number is null then 'row_added'
             when now_rows.number is null then 'row_removed'
             else 'row_changed' end as kind,
        coalesce(now_rows.used_by, was_rows.used_by, now_rows.reserved_for, was_rows.reserved_for)
            as username,
        [was_rows.status, was_rows.reserved_for, was_rows.used_by, was_rows.release_date,
         was_rows.reservation_notes, was_rows.usage, was_rows.description] as voss_values,
        [now_rows.status, now_rows.reserved_for, now_rows.used_by, now_rows.release_date,
         now_rows.reservation_notes, now_rows.usage, now_rows.description] as numkit_values
    from now_rows
    full join was_rows on was_rows.number = now_rows.number and was_rows.node = now_rows.node
),
row_fields as (
    select number, node, kind, username,
           ['status', 'reserved_for', 'used_by', 'release_date', 'reservation_notes', 'usage',
            'description'][position] as field,
           voss_values[position] as voss_value,
           numkit_values[position] as numkit_value
    from paired, range(1, 8) as positions(position)
),
row_changes as (
    select kind, number, node, username, field, voss_value, numkit_value from row_fields
    where case when field in ('reserved_for', 'used_by')
               then lower(voss_value) is distinct from lower(numkit_value)
               else voss_value is distinct from numkit_value end
),
user_events as (
    select event_id, lower(username) as user_key from since where number is null and username is not null
    union
    select unnest(event_ids), lower(username) from carried where number is null
),
-- only users an event has touched since the load (or that the load re-applied) can differ:
-- every change to a user is an event, and there may be millions of users
touched_users as (
    select distinct user_key from user_events
),
was_users as (
    select lower(username) as user_key, username, node
    from users_at(numkit_latest_load())
    where lower(username) in (select user_key from touched_users)
),
now_users as (
    select lower(username) as user_key, username, node from users
    where lower(username) in (select user_key from touched_users)
),
user_changes as (
    select case when was_users.user_key is null then 'user_added'
                when now_users.user_key is null then 'user_deleted'
                else 'user_moved' end as kind,
           null::varchar as number, coalesce(now_users.node, was_users.node) as node,
           coalesce(now_users.username, was_users.username) as username,
           'node' as field, was_users.node as voss_value, now_users.node as numkit_value
    from now_users
    full join was_users on was_users.user_key = now_users.user_key
    where now_users.node is distinct from was_users.node
),
-- the fields each event changed on a row it kept at its node (a row added, removed or
-- carried is the row's change as a whole), and the value it left each in
field_events as (
    select since.event_id, since.number, since.after ->> 'node' as node, fields.field,
           since.after ->> fields.field as value_after
    from since,
         (select unnest(['status', 'reserved_for', 'used_by', 'release_date',
                         'reservation_notes', 'usage', 'description']) as field) as fields
    where since.number is not null
      and since.before ->> 'node' = since.after ->> 'node'
      and case when fields.field in ('reserved_for', 'used_by')
               then lower(since.before ->> fields.field)
                    is distinct from lower(since.after ->> fields.field)
               else (since.before ->> fields.field) is distinct from (since.after ->> fields.field)
          end
),
-- a field's events since it last held the snapshot's value, with those a load re-applied
-- (all earlier than the events since it)
field_change_events as (
    select row_changes.number, row_changes.node, row_changes.field, field_events.event_id
    from row_changes
    join field_events
      on field_events.number = row_changes.number and field_events.node = row_changes.node
     and field_events.field = row_changes.field
    where row_changes.kind = 'row_changed'
    union
    select row_changes.number, row_changes.node, row_changes.field, unnest(carried.event_ids)
    from row_changes
    join carried
      on carried.number = row_changes.number and carried.node = row_changes.node
     and carried.field = row_changes.field
    where row_changes.kind = 'row_changed'
),
restored as (
    select row_changes.number, row_changes.node, row_changes.field,
           max(field_events.event_id) as event_id
    from row_changes
    join field_events
      on field_events.number = row_changes.number and field_events.node = row_changes.node
     and field_events.field = row_changes.field
    where case when row_changes.field in ('reserved_for', 'used_by')
               then lower(field_events.value_after) is not distinct from lower(row_changes.voss_value)
               else field_events.value_after is not distinct from row_changes.voss_value end
    group by all
),
field_event_lists as (
    select field_change_events.number, field_change_events.node, field_change_events.field,
           list(distinct field_change_events.event_id order by field_change_events.event_id)
               as event_ids,
           min(events."at") as decided_at
    from field_change_events
    left join restored
      on restored.number = field_change_events.number and restored.node = field_change_events.node
     and restored.field = field_change_events.field
    join events on events.event_id = field_change_events.event_id
    where field_change_events.event_id > coalesce(restored.event_id, -1)
    group by all
),
row_event_lists as (
    select row_events.number, row_events.node,
           list(distinct row_events.event_id order by row_events.event_id) as event_ids,
           min(events."at") as decided_at
    from row_events
    join events on events.event_id = row_events.event_id
    group by row_events.number, row_events.node
),
user_event_lists as (
    select user_events.user_key,
           list(distinct user_events.event_id order by user_events.event_id) as event_ids,
           min(events."at") as decided_at
    from user_events
    join events on events.event_id = user_events.event_id
    group by user_events.user_key
),
changes as (
    -- a field whose change no event of the row's own kept (a row deleted and added again
    -- with other values) is said with the row's events
    select row_changes.*,
           coalesce(field_event_lists.decided_at, row_event_lists.decided_at) as decided_at,
           coalesce(field_event_lists.event_ids, row_event_lists.event_ids) as event_ids
    from row_changes
    left join field_event_lists
        on field_event_lists.number = row_changes.number
       and field_event_lists.node = row_changes.node and field_event_lists.field = row_changes.field
    left join row_event_lists
        on row_event_lists.number = row_changes.number and row_event_lists.node = row_changes.node
    union all
    select user_changes.*, user_event_lists.decided_at, user_event_lists.event_ids
    from user_changes
    left join user_event_lists on user_event_lists.user_key = lower(user_changes.username)
)
select kind, number, node, username, field, voss_value, numkit_value, decided_at,
       actors_of(event_ids) as decided_by, coalesce(event_ids, []::bigint[]) as event_ids
from changes
order by number is null, number_sort_key(number_value(number), number), node, kind, field, lower(username);
