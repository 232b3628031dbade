-- How scattered the numbers table is, in rows a viewpoint reads: for each node, the rows of
-- the row groups whose smallest and largest node id take in one of its ancestors' ids
-- (DuckDB reads only those, their deleted rows included), on average over the nodes; first
-- as the rows lie now (`now`: each group's rows and node ids from DuckDB's own statistics,
-- those it skips groups by), then as they would lie written again in node-id order, in
-- groups of $group_rows rows (`in_order`). A weekly load appends its changed rows after the
-- others in small groups, each load's in node-id order.
with now_groups as (
    select row_group_id as row_group, sum(count) as group_rows,
           min(stats.min::bigint) as low, max(stats.max::bigint) as high
    from pragma_storage_info('numbers')
    where column_name = 'node_id' and segment_type <> 'VALIDITY'
    group by row_group_id
),
per_node as (
    select node_id, count(*) as node_rows from numbers group by node_id
),
placed_in_order as (
    select node_id,
           (sum(node_rows) over (order by node_id) - node_rows)::bigint as first_row,
           (sum(node_rows) over (order by node_id) - 1)::bigint as last_row
    from per_node
),
ordered_groups as (
    select row_group, min(node_id) as low, max(node_id) as high,
           least($group_rows, (select sum(node_rows) from per_node) - row_group * $group_rows)
               as group_rows
    from placed_in_order,
         unnest(range(first_row // $group_rows, last_row // $group_rows + 1)) as spanned(row_group)
    group by row_group
),
groups as (
    select 'now' as layout, row_group, group_rows, low, high from now_groups
    union all
    select 'in_order', row_group, group_rows, low, high from ordered_groups
),
reads as (
    select layout, node, sum(group_rows) as read_rows
    from (select distinct groups.layout, node_lineage.node, groups.row_group, groups.group_rows
          from node_lineage
          join groups on node_lineage.ancestor_id between groups.low and groups.high)
    group by layout, node
)
select coalesce((select avg(read_rows) from reads where layout = 'now'), 0) as now,
       coalesce((select avg(read_rows) from reads where layout = 'in_order'), 0) as in_order;
