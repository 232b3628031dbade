-- User rows as read from the file in this one pass, in the file's order (loading/load.py numbers
-- them: checked_users); their problems are found in users_problems.
create or replace temp table read_users as
select username_raw as username, node_raw as node, extra
from stage_users;
