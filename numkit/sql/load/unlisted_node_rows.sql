-- How many users and number rows sit at each of the unlisted_nodes once the load is
-- written (a node none sits at was made as the prefix of one that is named), read only
-- when there are some: reading every row for it would cost each load for nothing.
select unlisted_nodes.node,
       (select count(*) from users where users.node = unlisted_nodes.node) as users,
       (select count(*) from numbers where numbers.node = unlisted_nodes.node) as numbers
from unlisted_nodes
order by unlisted_nodes.node;
