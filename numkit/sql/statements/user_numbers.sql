-- The whole user: every row $user holds (Used By) or that is reserved for them (Reserved
-- For), anywhere in the inventory, one line each, with whether the row is visible from
-- $node (R8; null without a node) and how many levels up it sits. Usernames compare
-- case-insensitively, as the rules do.
-- Each side of the "or" alone, so that each reads its index on lower(reserved_for) or
-- lower(used_by) (one filter with "or" reads every row), the rows then fetched by row id.
with row_ids as (
    select numbers.rowid as row_id from numbers where lower(numbers.reserved_for) = lower($user)
    union
    select numbers.rowid as row_id from numbers where lower(numbers.used_by) = lower($user)
),
concerned as (
    select numbers.* exclude (extra)
    from numbers
    where numbers.rowid in (select row_id from row_ids)
)
select
    concerned.number,
    concerned.node,
    concerned.status,
    effective_status(concerned.status, concerned.release_date) as effective_status,
    coalesce(lower(concerned.used_by) = lower($user), false) as holds,
    coalesce(lower(concerned.reserved_for) = lower($user), false) as reserved,
    concerned.reserved_for,
    concerned.used_by,
    concerned.release_date,
    concerned.reservation_notes,
    case when $node::varchar is not null then seen.ancestor is not null end as visible_from_node,
    seen.distance
from concerned
left join node_ancestors as seen
       on seen.node = $node::varchar and seen.ancestor = concerned.node
order by number_sort_key(concerned.number_order, concerned.number), concerned.node;
