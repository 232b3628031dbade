-- What moving a user to a node does to each row involved. A row the user uses stays
-- (`keep`) when it is visible from the destination; otherwise it is replaced by a
-- candidate there (`replace`, the policy by default) or goes along to the destination
-- (`carry`). A row reserved for the user that the user does not use is `stranded` when it
-- was visible from the user's node and is not from the destination: the move keeps its flag.
-- `stranded_after` says which rows are reservations of the user the destination cannot see
-- once the move is done: the stranded ones and the replaced ones reserved for the user (a
-- released row keeps its flag). Rows come kept, replaced, carried, stranded, each in number
-- order, numbered by `position`; an unknown user or node gives none (the operation refuses
-- those first).
create or replace macro move_plan(for_user, to_node, policy) as table
with mover as (
    select users.node from users where lower(users.username) = lower(for_user)
),
-- Two lookups, each on its own index (a filter on both columns would read every row).
used as (
    select numbers.rowid as row_id, numbers.* exclude (line_hash), true as used_by_user
    from numbers
    where lower(numbers.used_by) = lower(for_user)
),
reserved as (
    select numbers.rowid as row_id, numbers.* exclude (line_hash), false as used_by_user
    from numbers
    where lower(numbers.reserved_for) = lower(for_user)
),
held as (
    select * from used
    union all
    select * from reserved anti join used using (row_id)
),
judged as (
    select
        held.* exclude (row_id),
        coalesce(lower(held.reserved_for) = lower(for_user), false) as reserved_for_user,
        exists (
            select 1 from node_lineage
            where node_lineage.node = to_node and node_lineage.ancestor_id = held.node_id
        ) as seen_from_dest,
        exists (
            select 1 from node_lineage, mover
            where node_lineage.node = mover.node and node_lineage.ancestor_id = held.node_id
        ) as seen_from_source
    from held
),
planned as (
    select
        judged.*,
        case
            when used_by_user and seen_from_dest then 'keep'
            when used_by_user and policy = 'carry' then 'carry'
            when used_by_user then 'replace'
            when seen_from_source and not seen_from_dest then 'stranded'
        end as action
    from judged
)
select
    planned.* exclude (used_by_user, seen_from_dest, seen_from_source),
    action = 'stranded' or (action = 'replace' and reserved_for_user) as stranded_after,
    row_number() over (
        order by case action when 'keep' then 1 when 'replace' then 2 when 'carry' then 3 else 4 end,
                 number_sort_key(number_order, number),
                 node
    ) as position
from planned
where action is not null
order by position;
