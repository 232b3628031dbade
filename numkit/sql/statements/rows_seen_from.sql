-- Numbers named as an analyst sees them from a node (reserving or clearing in a panel):
-- the rows visible from $node holding one of $numbers, in number order, with whether each
-- is held for someone other than $user (usernames compare as the rules do) and who uses it.
select
    visible.number,
    visible.node,
    visible.reserved_for,
    visible.used_by,
    coalesce(lower(visible.reserved_for) <> lower($user), false) as held_for_other
from visible_numbers($node) as visible
where visible.number in (select unnest($numbers))
order by number_sort_key(visible.number_order, visible.number), visible.node;
