-- What a previewed load does to each number row: added, removed, or changed, naming the
-- fields that differ. Usernames compare without regard to case, as pending changes do: a
-- flag the export writes in another case is no change.
with paired as (
    select
        coalesce(after.number, before.number) as number,
        coalesce(after.node, before.node) as node,
        before.number is null as added,
        after.number is null as removed,
        list_filter([
            case when before.status is distinct from after.status then 'status' end,
            case when before.usage is distinct from after.usage then 'usage' end,
            case when lower(before.reserved_for) is distinct from lower(after.reserved_for)
                 then 'reserved_for' end,
            case when lower(before.used_by) is distinct from lower(after.used_by) then 'used_by' end,
            case when before.release_date is distinct from after.release_date then 'release_date' end,
            case when before.reservation_notes is distinct from after.reservation_notes
                 then 'reservation_notes' end,
            case when before.description is distinct from after.description then 'description' end,
            case when before.extra::varchar is distinct from after.extra::varchar then 'extra' end
        ], lambda field: field is not null) as fields,
        before.status as status_before,
        after.status as status_after,
        before.reserved_for as reserved_for_before,
        after.reserved_for as reserved_for_after,
        before.used_by as used_by_before,
        after.used_by as used_by_after
    from numbers as after
    full join preview_rows_before as before
        on before.number = after.number and before.node = after.node
)
select
    case when added then 'added' when removed then 'removed' else 'changed' end as change,
    number, node,
    case when added or removed then null else array_to_string(fields, ', ') end as fields,
    status_before, status_after, reserved_for_before, reserved_for_after,
    used_by_before, used_by_after
from paired
where added or removed or len(fields) > 0
order by change, number_sort_key(number_value(number), number), node;
