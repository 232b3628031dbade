-- Rows that stop a number from being placed at $node: a row holding the same number at
-- $node, at one of its ancestors or at one of its descendants (the uniqueness rule).
select numbers.number, numbers.node
from numbers
where numbers.number in (select unnest($numbers))
  and (numbers.node in (select ancestor from node_ancestors where node_ancestors.node = $node)
       or $node in (select ancestor from node_ancestors
                    where node_ancestors.node = numbers.node));
