-- Every problem of the staged hierarchy rows: (row, column, value, reason). A node's first
-- row gives its type; each later row giving another is reported, once, naming that first
-- row (comparing every row with every other would make n²/2 problems of n copies).
with first_rows as (
    select node, min(_row) as first_row,
           arg_min_null(type, _row) as first_type, arg_min_null(type_raw, _row) as first_type_raw
    from checked_hierarchy
    where node is not null
    group by node
)
select _row as row, 'node' as "column", node_raw as value, 'missing node' as reason
from checked_hierarchy where node_raw is null
union all
select _row, 'node', node_raw, node_path_problem(node_raw)
from checked_hierarchy where node_path_problem(node_raw) is not null
union all
select _row, 'type', type_raw,
       'unknown node type: one of Provider, Reseller, Customer, Intermediate, Site'
from checked_hierarchy where type_raw is not null and type is null
union all
select later._row, 'type', later.type_raw,
       'node ' || later.node || ' has type ' || coalesce(first_rows.first_type_raw, '(none)')
       || ' at row ' || first_rows.first_row
from checked_hierarchy as later
join first_rows on first_rows.node = later.node
where later._row > first_rows.first_row
  and coalesce(first_rows.first_type, '') <> coalesce(later.type, '')
