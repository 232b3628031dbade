-- Reservations an active user can never get back: the number is not visible from the
-- user's node (typically left behind by a move to another site).
create or replace view stranded_reservations as
select
    numbers_effective.number,
    numbers_effective.node,
    numbers_effective.reserved_for,
    users.node as user_node,
    numbers_effective.status,
    numbers_effective.effective_status
from numbers_effective
join users on lower(users.username) = lower(numbers_effective.reserved_for)
where not exists (
    select 1 from node_ancestors
    where node_ancestors.node = users.node and node_ancestors.ancestor = numbers_effective.node
)
order by users.node, number_value(numbers_effective.number), numbers_effective.number;
