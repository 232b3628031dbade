-- The inventory as it is before a previewed load: the number rows and users the plan
-- compares the loaded inventory with. Main tables, not temporary ones: the load drops every
-- temporary object it finds when it ends. A preview runs in a rehearsal, whose rollback
-- takes them away with the load.
create or replace table preview_rows_before as
select number, node, status, usage, reserved_for, used_by, release_date, reservation_notes,
       description, extra
from numbers;
create or replace table preview_users_before as select username, node from users;
