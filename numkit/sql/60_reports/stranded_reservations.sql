-- Reservations an active user can never get back: the number is not visible from the
-- user's node (typically left behind by a move to another site).
create or replace view stranded_reservations as
with reserved as (
    select numbers_effective.*, lower(numbers_effective.reserved_for) as user_key
    from numbers_effective
    where numbers_effective.reserved_for is not null
),
holders as (
    select users.node, lower(users.username) as user_key from users
)
select
    reserved.number,
    reserved.node,
    reserved.reserved_for,
    holders.node as user_node,
    reserved.status,
    reserved.effective_status
from reserved
join holders on holders.user_key = reserved.user_key
anti join node_ancestors
       on node_ancestors.node = holders.node and node_ancestors.ancestor_id = reserved.node_id
order by holders.node, number_value(reserved.number), reserved.number;
