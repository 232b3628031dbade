-- Each change pending before the load, judged against the new export (README, "Round trip
-- with VOSS"), a row's changed fields together and user by user:
--   the export shows numkit's value                -> applied (VOSS did it)
--   the export shows the value as last loaded      -> pending (numkit's value re-applied)
--   anything else, or the row or user is gone      -> conflict (the export's value kept)
-- A row added in numkit and absent from the export, or removed in numkit and still there
-- as loaded, is pending. A number given to a user is judged with that user: when the
-- export shows the user active and holding a number they did not hold as last loaded and
-- numkit did not give them, but not this one, VOSS gave them another: a conflict.
create or replace temp table reconciled as
with previous_load as (
    select max(load_id) as load_id from loads where load_id < getvariable('numkit_reconciled_load')
),
keys as (
    select distinct number, node from pending_at_load where number is not null
),
-- the rows and holders the judgement below looks at, found first: the few rows a change
-- names, and the rows of the users a change gives a number to (not the whole inventory)
was_rows as (
    select was.* from numbers_at((select load_id from previous_load)) as was
    semi join keys on keys.number = was.number and keys.node = was.node
),
now_rows as (
    select now.* from numbers as now
    semi join keys on keys.number = now.number and keys.node = now.node
),
receivers as (
    select distinct lower(numkit_value) as user_key from pending_at_load
    where field = 'used_by' and numkit_value is not null
),
held_now as (
    select number, node, used_by from numbers
    where lower(used_by) in (select user_key from receivers)
),
held_was as (
    select number, node, used_by from numbers_at((select load_id from previous_load))
    where lower(used_by) in (select user_key from receivers)
),
export_rows as (
    select numbers.number, numbers.node, status, usage, reserved_for, used_by,
           release_date::varchar as release_date, reservation_notes, description
    from numbers
    semi join keys on keys.number = numbers.number and keys.node = numbers.node
),
row_fields as (
    select pending.*,
           export_rows.number is not null as in_export,
           case pending.field
               when 'status' then export_rows.status
               when 'reserved_for' then export_rows.reserved_for
               when 'used_by' then export_rows.used_by
               when 'release_date' then export_rows.release_date
               when 'reservation_notes' then export_rows.reservation_notes
               when 'usage' then export_rows.usage
               when 'description' then export_rows.description
           end as export_value
    from pending_at_load as pending
    left join export_rows on export_rows.number = pending.number and export_rows.node = pending.node
    where pending.number is not null
),
row_judged as (
    select row_fields.*,
           -- a row removed in numkit is still pending only if VOSS has it exactly as last
           -- loaded, every field (a field VOSS filled since is a decision of its own)
           row_fields.kind <> 'row_removed' or exists (
               select 1 from was_rows as was
               join now_rows as now on now.number = was.number and now.node = was.node
               where was.number = row_fields.number and was.node = row_fields.node
                 and now.status is not distinct from was.status
                 and now.usage is not distinct from was.usage
                 and lower(now.reserved_for) is not distinct from lower(was.reserved_for)
                 and lower(now.used_by) is not distinct from lower(was.used_by)
                 and now.release_date is not distinct from was.release_date
                 and now.reservation_notes is not distinct from was.reservation_notes
                 and now.description is not distinct from was.description) as unchanged_since,
           case when row_fields.field in ('reserved_for', 'used_by')
                then lower(export_value) is not distinct from lower(numkit_value)
                else export_value is not distinct from numkit_value end as shows_numkit,
           case when field in ('reserved_for', 'used_by')
                then lower(export_value) is not distinct from lower(voss_value)
                else export_value is not distinct from voss_value end as shows_voss
    from row_fields
),
row_outcomes as (
    select number, node,
           case
               when bool_and(kind = 'row_removed') then
                   case when not bool_or(in_export) then 'applied'
                        when bool_and(shows_voss) and bool_and(unchanged_since) then 'pending'
                        else 'conflict' end
               when bool_and(kind = 'row_added') and not bool_or(in_export) then 'pending'
               when bool_and(in_export) and bool_and(shows_numkit) then 'applied'
               when bool_and(kind = 'row_changed') and bool_and(in_export) and bool_and(shows_voss)
                   then 'pending'
               else 'conflict'
           end as outcome,
           case
               when bool_and(kind = 'row_changed') and not bool_or(in_export)
                   then 'the export no longer has this row'
               when bool_and(kind = 'row_added') then 'the export has this row with other values'
               when bool_and(kind = 'row_removed') then 'the export has this row with other values'
               else 'the export shows other values'
           end as conflict_reason
    from row_judged
    group by number, node
),
given_elsewhere as (
    -- rows whose change gives the number to a user VOSS gave another number instead
    select distinct row_judged.number, row_judged.node, row_judged.numkit_value as username
    from row_judged
    where row_judged.field = 'used_by' and row_judged.numkit_value is not null
      and lower(row_judged.numkit_value) in (select lower(username) from users)
      and exists (
          select 1 from held_now as held
          where lower(held.used_by) = lower(row_judged.numkit_value)
            and not (held.number = row_judged.number and held.node = row_judged.node)
            -- a number numkit gave them too is numkit's decision, not VOSS's other choice
            and not exists (
                select 1 from pending_at_load as given
                where given.field = 'used_by' and given.number = held.number
                  and given.node = held.node and lower(given.numkit_value) = lower(held.used_by))
            -- a number they held before is none VOSS gave them, wherever it lies now (VOSS
            -- may have carried it along with them to another node), unless numkit let it go:
            -- carried along all the same, it is what VOSS chose instead (a move that
            -- replaced their number, made by VOSS carrying it)
            and not exists (
                select 1 from held_was as was
                where was.number = held.number
                  and lower(was.used_by) = lower(held.used_by)
                  and not (was.node <> held.node and exists (
                      select 1 from pending_at_load as let_go
                      where let_go.field = 'used_by' and let_go.number = was.number
                        and let_go.node = was.node
                        and lower(let_go.voss_value) = lower(was.used_by)
                        and lower(let_go.numkit_value) is distinct from lower(was.used_by)))))
),
user_judged as (
    select pending.*, export_users.node as export_value,
           case
               when pending.kind = 'user_added' then
                   case when export_users.node is null then 'pending'
                        when export_users.node = pending.numkit_value then 'applied'
                        else 'conflict' end
               when pending.kind = 'user_deleted' then
                   case when export_users.node is null then 'applied'
                        when export_users.node = pending.voss_value then 'pending'
                        else 'conflict' end
               else
                   case when export_users.node = pending.numkit_value then 'applied'
                        when export_users.node = pending.voss_value then 'pending'
                        else 'conflict' end
           end as outcome
    from pending_at_load as pending
    left join (select lower(username) as user_key, node from users) as export_users
        on export_users.user_key = lower(pending.username)
    where pending.number is null
)
select row_judged.kind, row_judged.number, row_judged.node, row_judged.username,
       row_judged.field, row_judged.voss_value, row_judged.numkit_value,
       row_judged.export_value, row_judged.decided_at, row_judged.event_ids,
       case when row_outcomes.outcome = 'pending' and given_elsewhere.number is not null
            then 'conflict' else row_outcomes.outcome end as outcome,
       case when row_outcomes.outcome = 'pending' and given_elsewhere.number is not null
                then 'VOSS gave ' || given_elsewhere.username || ' another number'
            when row_outcomes.outcome = 'conflict' then row_outcomes.conflict_reason end as reason
from row_judged
join row_outcomes on row_outcomes.number = row_judged.number and row_outcomes.node = row_judged.node
left join given_elsewhere
    on given_elsewhere.number = row_judged.number and given_elsewhere.node = row_judged.node
union all
select kind, number, node, username, field, voss_value, numkit_value, export_value, decided_at,
       event_ids, outcome,
       case when outcome = 'conflict' then
           case when export_value is null then 'the export no longer has this user'
                else 'the export has this user at ' || export_value end end
from user_judged;
