-- The customer of a node is its nearest ancestor-or-self of type Customer; a move between
-- two different known customers is refused.
create or replace view node_customers as
select node_ancestors.node, arg_min(node_ancestors.ancestor, node_ancestors.distance) as customer
from node_ancestors
join nodes on nodes.node = node_ancestors.ancestor
where nodes.type = 'Customer'
group by node_ancestors.node;
