-- node_customers for one node (null when it has no customer): its nearest ancestor-or-self
-- of type Customer, read from its own path's few nodes.
create or replace macro customer_of(of_node) as (
    select ancestors.ancestor
    from ancestors_of(of_node) as ancestors
    join nodes on nodes.node = ancestors.ancestor
    where nodes.type = 'Customer'
    order by ancestors.distance
    limit 1
);
