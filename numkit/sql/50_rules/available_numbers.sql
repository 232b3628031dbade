-- The numbers a user may be given at a node, best first. A row qualifies when it is
-- visible from the node, effectively Available, and reserved for nobody or for this user
-- (usernames compare case-insensitively). The user's own reserved numbers come first, then
-- number order (number_sort_key); VOSS leaves the order open, this is numkit's choice. The
-- first row is the "next available". Add `limit n` for the first n: DuckDB then keeps only the best n while
-- it reads, instead of sorting every candidate.
create or replace macro available_numbers(for_user, from_node) as table
select
    visible.number,
    visible.node,
    visible.distance,
    visible.reserved_for is not null as reserved_for_user
from visible_numbers(from_node) as visible
where visible.effective_status = 'Available'
  and (visible.reserved_for is null or lower(visible.reserved_for) = lower(for_user))
order by reserved_for_user desc, number_sort_key(visible.number_order, visible.number);
