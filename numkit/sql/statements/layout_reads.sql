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
now_reads as (
    select node, sum(group_rows) as read_rows
    from (select distinct node_lineage.node, now_groups.row_group, now_groups.group_rows
          from node_lineage
          join now_groups on node_lineage.ancestor_id between now_groups.low and now_groups.high)
    group by node
),
ordered_reads as (
    select node, sum(group_rows) as read_rows
    from (select distinct node_lineage.node, ordered_groups.row_group, ordered_groups.group_rows
          from node_lineage
          join ordered_groups on node_lineage.ancestor_id between ordered_groups.low
                                                              and ordered_groups.high)
    group by node
)
select coalesce((select avg(read_rows) from now_reads), 0) as now,
       coalesce((select avg(read_rows) from ordered_reads), 0) as in_order;
