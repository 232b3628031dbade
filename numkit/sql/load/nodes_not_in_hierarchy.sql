-- Paths the numbers and users files name that neither the hierarchy file loaded with them
-- nor the inventory has. Each becomes a node without a type (every path a file names is a
-- node), most often a site's path mistyped in one file: the load report names them, with
-- how many rows of each file name them.
select node,
       count(*) filter (where role = 'users') as users,
       count(*) filter (where role = 'numbers') as numbers
from (select node, 'numbers' as role from valid_numbers
      union all
      select node, 'users' from load_users)
where node not in (select node from valid_hierarchy)
  and node not in (select node from nodes)
group by node
order by node;
