-- Reservations an active user can never get back: the number is not visible from the
-- user's node (typically left behind by a move to another site).
create or replace view stranded_reservations as
-- The reserved rows are paired with their users and the visible ones dropped carrying only
-- row ids, node ids and user keys; the few rows left are then read in full by row id
-- (carrying every column through the join with millions of users cost most of the time).
with reserved as (
    select numbers.rowid as row_id, numbers.node_id, lower(numbers.reserved_for) as user_key
    from numbers
    where numbers.reserved_for is not null
),
stranded as (
    select reserved.row_id, users.node as user_node
    from reserved
    join users on lower(users.username) = reserved.user_key
    anti join node_ancestors
           on node_ancestors.node = users.node and node_ancestors.ancestor_id = reserved.node_id
)
select
    numbers.number,
    numbers.node,
    numbers.reserved_for,
    stranded.user_node,
    numbers.status,
    effective_status(numbers.status, numbers.release_date) as effective_status
from numbers
join stranded on stranded.row_id = numbers.rowid
order by stranded.user_node, number_sort_key(numbers.number_order, numbers.number), numbers.node;
