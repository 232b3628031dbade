-- Giving a number to a user (onboard, assign, a move's replacement, bulk onboarding): the
-- row becomes Used by the user named for it (`username`) and loses any end date; its
-- Reserved For flag and notes stay as they were (the flag is independent of status).
create or replace temp table row_changes as
select * replace ('Used' as status, username as used_by, null::date as release_date)
from chosen_rows;
