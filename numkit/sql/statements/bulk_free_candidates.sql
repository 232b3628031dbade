-- For a bulk onboarding, the rows reserved for nobody that are effectively Available, per
-- node, in number order: at each node only as many as there are users in the batch who see
-- that node (`bulk_free_users`: node), since no more can be taken from it.
-- The free rows are ranked carrying only node id and number (millions of rows when the batch
-- covers most sites: ranking whole rows took a gigabyte), and only the few rows kept are then
-- read in full.
with wanted as (
    select node_ancestors.ancestor_id as node_id, count(*) as needed
    from bulk_free_users
    join node_ancestors on node_ancestors.node = bulk_free_users.node
    group by node_ancestors.ancestor_id
),
kept as (
    select numbers.node_id, numbers.number
    from numbers
    join wanted on wanted.node_id = numbers.node_id
    where effective_status(numbers.status, numbers.release_date) = 'Available'
      and numbers.reserved_for is null
    qualify row_number() over (
        partition by numbers.node_id
        order by numbers.number_order, starts_with(numbers.number, '+'), numbers.number
    ) <= wanted.needed
)
select numbers_effective.*
from numbers_effective
semi join kept
       on kept.node_id = numbers_effective.node_id and kept.number = numbers_effective.number;
