-- Destinations written short, as a node's last path segment(s) (`Site-B`, `North.Site-E`;
-- rules "Short node names"): for each line of `move_names` (seq, username, name), the
-- nodes whose path ends with `.` and the name, whatever the case. `exact` says the case
-- matches too; `in_customer` that the node is the customer of the user's node or below it
-- (true for every node when the user's node has no customer). Only an exact match in the
-- customer is ever taken; the others are named to the analyst. An unknown user gets
-- nothing. The last segment is matched first, so only the few nodes sharing it are
-- compared in full.
with asked as (
    select
        move_names.seq,
        move_names.name,
        lower(string_split(move_names.name, '.')[-1]) as last_key,
        node_customers.customer
    from move_names
    join users on lower(users.username) = lower(move_names.username)
    left join node_customers on node_customers.node = users.node
),
named as (
    select nodes.node, lower(string_split(nodes.node, '.')[-1]) as last_key
    from nodes
)
select
    asked.seq,
    named.node,
    ends_with(named.node, '.' || asked.name) as exact,
    (asked.customer is null
        or named.node = asked.customer
        or starts_with(named.node, asked.customer || '.')) as in_customer
from asked
join named on named.last_key = asked.last_key
where ends_with(lower(named.node), '.' || lower(asked.name))
order by asked.seq, named.node;
