-- Where a node sits, as the report's summary per customer and site groups it: its customer
-- (R1, node_customers) and its site, the nearest node of type Site walking up from it, the
-- node itself included. A node above any site (a customer, an intermediate node, a
-- provider) has none: its numbers are counted with their customer, outside its sites.
create or replace view node_places as
with sites as (
    select node_ancestors.node, arg_min(node_ancestors.ancestor, node_ancestors.distance) as site
    from node_ancestors
    join nodes on nodes.node = node_ancestors.ancestor
    where nodes.type = 'Site'
    group by node_ancestors.node
)
select nodes.node, node_customers.customer, sites.site
from nodes
left join node_customers on node_customers.node = nodes.node
left join sites on sites.node = nodes.node
order by nodes.node;
