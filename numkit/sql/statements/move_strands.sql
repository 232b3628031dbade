-- The stranded count of a move (rules R17, R24): the reservations of $user that the
-- stranded_reservations report lists once $user is moved to $dest with $policy. A move never
-- changes a Reserved For flag (R3) and the user's node becomes $dest, so these are the rows
-- reserved for $user that $dest cannot see, except a row the user uses that a carrying move
-- takes to $dest. `action` is what the move does to the row: `replace` (a replaced number
-- keeps its flag), `stranded` (visible from the user's node, left behind), or empty (the
-- user could not see it before the move either); `already_stranded` says the report lists
-- it before the move too. In number order.
with reserved as (
    select
        numbers.number,
        numbers.node,
        numbers.node_id,
        numbers.number_order,
        coalesce(lower(numbers.used_by) = lower($user), false) as used_by_user
    from numbers
    where lower(numbers.reserved_for) = lower($user)
),
judged as (
    select
        reserved.*,
        exists (
            select 1 from node_lineage
            where node_lineage.node = $dest and node_lineage.ancestor_id = reserved.node_id
        ) as seen_from_dest,
        exists (
            select 1 from node_lineage
            join users on users.node = node_lineage.node
            where lower(users.username) = lower($user)
              and node_lineage.ancestor_id = reserved.node_id
        ) as seen_from_source
    from reserved
)
select
    judged.number,
    judged.node,
    case when judged.used_by_user then 'replace' when judged.seen_from_source then 'stranded' end
        as action,
    not judged.seen_from_source as already_stranded
from judged
where not judged.seen_from_dest
  and not (judged.used_by_user and $policy = 'carry')
order by number_sort_key(judged.number_order, judged.number), judged.node;
