-- Row changes already decided (the view `new_row_changes`: a load's re-applied pending
-- changes, load/reapplied_row_changes.sql) with the node ids
-- of the rows before and after, in a table: the statements that apply them then find each
-- row by its node id, reading only those nodes' blocks.
create or replace temp table row_changes as
select changes.*, old_nodes.node_id as old_node_id, new_nodes.node_id
from new_row_changes as changes
left join nodes as old_nodes on old_nodes.node = changes.old_node
left join nodes as new_nodes on new_nodes.node = changes.node;
