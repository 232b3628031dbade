-- Each load keeps what it wrote (numbers, users and nodes, every column), by load_id:
-- snapshots are compared from it, and the one before is written back from it when the
-- latest is forgotten.
insert into snapshot_numbers by name
select getvariable('numkit_kept_load') as load_id, number, node, status, usage, reserved_for, used_by, release_date,
       reservation_notes, description, extra, number_order
from numbers;
insert into snapshot_users by name
select getvariable('numkit_kept_load') as load_id, username, node, extra from users;
insert into snapshot_nodes by name
select getvariable('numkit_kept_load') as load_id, node, parent, type, name from nodes;
