-- The still-pending row changes as row changes to apply on top of the export (the
-- statements stage_row_changes, delete_rows, update_rows and insert_rows apply them, as
-- they apply an operation's): a row added in numkit inserted again as numkit had it, a
-- row removed in numkit deleted again, a changed row given numkit's value for each field
-- it changed, its other fields as the export has them. The extra columns (rules R4) are
-- the export's: a row numkit carried to another node takes those of the row it leaves
-- (the export's, if the export still has it there), or else numkit's copy.
create or replace temp view new_row_changes as
with pending as (
    select number, node, any_value(kind) as kind, list(field) as fields
    from reconciled
    where outcome = 'pending' and number is not null
    group by number, node
)
select 'delete' as change, pending.number as old_number, pending.node as old_node,
       pending.number, pending.node, null::varchar as status, null::varchar as usage,
       null::varchar as reserved_for, null::varchar as used_by, null::date as release_date,
       null::varchar as reservation_notes, null::varchar as description, null::json as extra
from pending
where pending.kind = 'row_removed'
union all
select 'insert', null, null, mine.number, mine.node, mine.status, mine.usage, mine.reserved_for,
       mine.used_by, mine.release_date, mine.reservation_notes, mine.description,
       case when left_behind.number is null then mine.extra else left_behind.extra end
from pending
join numkit_rows_at_load as mine on mine.number = pending.number and mine.node = pending.node
left join (
    select export.number, any_value(export.extra) as extra
    from pending as removed
    join numbers as export on export.number = removed.number and export.node = removed.node
    where removed.kind = 'row_removed'
    group by export.number
) as left_behind on left_behind.number = pending.number
where pending.kind = 'row_added'
union all
select 'update', export.number, export.node, export.number, export.node,
       case when list_contains(pending.fields, 'status') then mine.status else export.status end,
       case when list_contains(pending.fields, 'usage') then mine.usage else export.usage end,
       case when list_contains(pending.fields, 'reserved_for') then mine.reserved_for
            else export.reserved_for end,
       case when list_contains(pending.fields, 'used_by') then mine.used_by else export.used_by end,
       case when list_contains(pending.fields, 'release_date') then mine.release_date
            else export.release_date end,
       case when list_contains(pending.fields, 'reservation_notes') then mine.reservation_notes
            else export.reservation_notes end,
       case when list_contains(pending.fields, 'description') then mine.description
            else export.description end,
       export.extra
from pending
join numkit_rows_at_load as mine on mine.number = pending.number and mine.node = pending.node
join numbers as export on export.number = pending.number and export.node = pending.node
where pending.kind = 'row_changed';
