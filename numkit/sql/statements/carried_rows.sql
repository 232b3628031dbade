-- Carrying a user's number to the node the user moves to: the row moves to $dest whole,
-- keeping its status, user, flag, dates and notes.
create or replace temp table row_changes as
select * replace ($dest::varchar as node,
                  (select node_id from nodes where node = $dest) as node_id)
from chosen_rows;
