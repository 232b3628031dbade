-- For a bulk onboarding, the rows reserved for nobody that are effectively Available, per
-- node, in number order: at each node only as many as there are users in the batch who see
-- that node (`bulk_free_users`: node), since no more can be taken from it.
with wanted as (
    select node_ancestors.ancestor_id as node_id, count(*) as needed
    from bulk_free_users
    join node_ancestors on node_ancestors.node = bulk_free_users.node
    group by node_ancestors.ancestor_id
)
select numbers_effective.*
from numbers_effective
join wanted on wanted.node_id = numbers_effective.node_id
where numbers_effective.effective_status = 'Available'
  and numbers_effective.reserved_for is null
qualify row_number() over (
    partition by numbers_effective.node_id
    order by number_value(numbers_effective.number), starts_with(numbers_effective.number, '+'),
             numbers_effective.number
) <= wanted.needed;
