-- For each user of a bulk onboarding (the registered frame `bulk_users`: seq, user_key,
-- node), the rows reserved for them that they can be given: visible from their node and
-- effectively Available; each user's rows in candidate order (available_numbers: with
-- candidate_order 'nearest' the nearest node's first, then number_sort_key).
select bulk_users.seq, numbers_effective.*
from bulk_users
join node_ancestors on node_ancestors.node = bulk_users.node
join numbers_effective
  on numbers_effective.node_id = node_ancestors.ancestor_id
 and lower(numbers_effective.reserved_for) = bulk_users.user_key
where numbers_effective.effective_status = 'Available'
order by bulk_users.seq,
         case when numkit_candidate_order() = 'nearest' then node_ancestors.distance end,
         number_sort_key(numbers_effective.number_order, numbers_effective.number),
         numbers_effective.node_id;
