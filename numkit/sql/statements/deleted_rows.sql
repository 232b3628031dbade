-- Deleting rows: the chosen rows are removed whole (which rows may be deleted, free and
-- without a Reserved For flag, the operation decides before naming them).
create or replace temp table row_changes as
select * replace ('delete' as change)
from chosen_rows;
