-- The whole user: every row $user holds (Used By) or that is reserved for them (Reserved
-- For), anywhere in the inventory, one line each, with whether the row is visible from
-- $node (R8; null without a node) and how many levels up it sits. Usernames compare
-- case-insensitively, as the rules do.
with concerned as (
    select numbers.* exclude (extra)
    from numbers
    where lower(numbers.reserved_for) = lower($user)
       or lower(numbers.used_by) = lower($user)
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
