-- VOSS's "Show Numbers belonging to this Subscriber": the rows flagged Reserved For the
-- user that are visible from the node, whatever their status, with whether they can be
-- assigned now. With a null node: every row reserved for the user.
create or replace macro belonging_to(for_user, from_node) as table
select
    numbers_effective.number,
    numbers_effective.node,
    numbers_effective.status,
    numbers_effective.effective_status,
    numbers_effective.reserved_for,
    numbers_effective.used_by,
    numbers_effective.release_date,
    numbers_effective.reservation_notes,
    node_ancestors.distance,
    numbers_effective.effective_status = 'Available' as assignable,
    case when numbers_effective.effective_status <> 'Available' then 'not_available' end as reason
from numbers_effective
left join node_ancestors
       on node_ancestors.ancestor = numbers_effective.node
      and node_ancestors.node = from_node
where lower(numbers_effective.reserved_for) = lower(for_user)
  and (from_node is null or node_ancestors.node is not null)
order by number_sort_key(numbers_effective.number_order, numbers_effective.number),
         numbers_effective.node;
