-- Setting or clearing the Reserved For flag (reserve for a user, clear, clean up the flags
-- of deleted users): the flag becomes $reserved_for (null clears it). Nothing else about
-- the row changes: the flag is independent of status, user and end date.
create or replace temp table row_changes as
select * replace ($reserved_for::varchar as reserved_for)
from chosen_rows;
