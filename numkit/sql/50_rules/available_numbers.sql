-- The numbers a user may be given at a node, best first
-- (docs/rules.md#r9-candidates-and-next-available). A row qualifies when it is visible from
-- the node, effectively Available, and reserved for nobody or for this user (usernames
-- compare case-insensitively). The user's own reserved numbers come
-- first; then, with the setting candidate_order = 'nearest', the node's own rows before its
-- parent's and so on up (an analyst wants a site's own numbers before the customer's);
-- then number order (number_sort_key). VOSS leaves the order open, this is numkit's
-- choice. The first row is the "next available". A null user is a user with no
-- reservations: rows reserved for anyone are left out. Add `limit n` for the first n:
-- DuckDB then keeps only the best n while it reads, instead of sorting every candidate.
create or replace macro available_numbers(for_user, from_node) as table
select
    visible.number,
    visible.node,
    visible.distance,
    visible.reserved_for is not null as reserved_for_user
from visible_numbers(from_node) as visible
where visible.effective_status = 'Available'
  and (visible.reserved_for is null or lower(visible.reserved_for) = lower(for_user))
order by reserved_for_user desc,
         case when numkit_candidate_order() = 'nearest' then visible.distance end,
         number_sort_key(visible.number_order, visible.number);
