-- The changes of one operation (the registered frame `new_row_changes`) with the node ids
-- of the rows before and after, in a table: the statements that apply them then find each
-- row by its node id, reading only those nodes' blocks.
create or replace temp table row_changes as
select changes.*, old_nodes.node_id as old_node_id, new_nodes.node_id
from new_row_changes as changes
left join nodes as old_nodes on old_nodes.node = changes.old_node
left join nodes as new_nodes on new_nodes.node = changes.node;
