-- Rows that stop a number from being placed at $node: a row holding the same number at
-- $node, or at a node on one path with it, above or below (same_path_pairs, the rule).
with holding as (
    select numbers.number, numbers.node
    from numbers
    where numbers.number in (select unnest($numbers))
),
pairs as (
    select pairs.node, pairs.ancestor
    from same_path_pairs(list_concat((select list(holding.node) from holding), [$node])) as pairs
    where $node in (pairs.node, pairs.ancestor)
)
select holding.number, holding.node
from holding
where holding.node = $node
   or holding.node in (select pairs.ancestor from pairs)
   or holding.node in (select pairs.node from pairs);
