-- For a bulk onboarding or bulk move previews, the rows reserved for nobody that are
-- effectively Available, per node, in number order: at each node only as many as there are
-- users in the batch who see that node (`bulk_free_users`: node, and `plus`: true for a
-- user who needs a number written with `+`, false for one without, null for either), since
-- no more can be taken from it. A move replaces like for like (docs/rules.md#r17-move-user), so the
-- rows of each form are counted apart. `rank` puts every row returned in number order
-- (number_sort_key), so that whoever takes them needs only compare ranks: the rows come in
-- rank order.
-- The free rows are ranked carrying only node id and number (millions of rows when the batch
-- covers most sites: ranking whole rows took a gigabyte), and only the few rows kept are then
-- read in full.
with wanted as (
    select node_ancestors.ancestor_id as node_id, bulk_free_users.plus::boolean as plus,
           count(*) as needed
    from bulk_free_users
    join node_ancestors on node_ancestors.node = bulk_free_users.node
    group by node_ancestors.ancestor_id, bulk_free_users.plus::boolean
),
kept as (
    select numbers.node_id, numbers.number
    from numbers
    join wanted
      on wanted.node_id = numbers.node_id
     and (wanted.plus is null
          or wanted.plus = number_sort_key(numbers.number_order, numbers.number).plus)
    where effective_status(numbers.status, numbers.release_date) = 'Available'
      and numbers.reserved_for is null
    qualify row_number() over (
        partition by numbers.node_id, wanted.plus
        order by number_sort_key(numbers.number_order, numbers.number)
    ) <= wanted.needed
)
select
    numbers_effective.*,
    row_number() over (
        order by number_sort_key(numbers_effective.number_order, numbers_effective.number),
                 numbers_effective.node_id
    ) as rank
from numbers_effective
semi join kept
       on kept.node_id = numbers_effective.node_id and kept.number = numbers_effective.number
order by rank;
