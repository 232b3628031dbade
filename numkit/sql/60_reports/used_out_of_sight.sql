-- Numbers used by an active user who cannot see them from their node (docs/rules.md#r37-used-out-of-sight):
-- a user sees only the numbers of their node and of the nodes above it (R8), so a row used by
-- someone elsewhere (a Cust-2 number used by a Cust-1 user) is one the export's rows disagree
-- on: a move or an edit done by hand. `check` does not flag it: the user is active.
create or replace view used_out_of_sight as
-- As stranded_reservations does: the used rows are paired with their users and the visible
-- ones dropped carrying only row ids, node ids and user keys; the few left are read in full.
with used as (
    select numbers.rowid as row_id, numbers.node_id, lower(numbers.used_by) as user_key
    from numbers
    where numbers.used_by is not null
),
out_of_sight as (
    select used.row_id, users.node as user_node
    from used
    join users on lower(users.username) = used.user_key
    anti join node_ancestors
           on node_ancestors.node = users.node and node_ancestors.ancestor_id = used.node_id
)
select
    numbers.number,
    numbers.node,
    numbers.used_by,
    out_of_sight.user_node,
    numbers.status,
    numbers.usage,
    numbers.description
from numbers
join out_of_sight on out_of_sight.row_id = numbers.rowid
order by out_of_sight.user_node, number_sort_key(numbers.number_order, numbers.number), numbers.node;
