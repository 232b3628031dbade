-- Whether the kept number rows come in node-id order already: each node's rows together,
-- the nodes in path order (the order of their ids). Reading the node of each row once is
-- far cheaper than sorting the rows.
with node_rows as (
    select node, min(_row) as first_row, max(_row) as last_row
    from valid_numbers
    group by node
),
in_path_order as (
    select first_row, lag(last_row) over (order by node) as last_row_before
    from node_rows
)
select coalesce(bool_and(first_row > last_row_before), true)
from in_path_order;
