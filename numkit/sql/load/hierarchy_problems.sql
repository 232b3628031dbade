-- Every problem of the staged hierarchy rows: (row, column, value, reason).
select _row as row, 'node' as "column", node_raw as value, 'missing node' as reason
from checked_hierarchy where node_raw is null
union all
select _row, 'node', node_raw, 'a node path has an empty segment'
from checked_hierarchy where node_raw is not null and node is null
union all
select _row, 'type', type_raw,
       'unknown node type: one of Provider, Reseller, Customer, Intermediate, Site'
from checked_hierarchy where type_raw is not null and type is null
union all
select later._row, 'type', later.type_raw,
       'node ' || later.node || ' has type ' || earlier.type_raw || ' at row ' || earlier._row
from checked_hierarchy as later
join checked_hierarchy as earlier
  on earlier.node = later.node and earlier._row < later._row
 and coalesce(earlier.type, '') <> coalesce(later.type, '')
order by row, "column";
