-- Version 2: snapshots keep every column (the users' too) and deletions name the load that
-- recorded them. Snapshots kept before have none of these columns: they cannot be written
-- back by forget_latest_snapshot, and their deletions belong to no load.
alter table snapshot_numbers add column if not exists usage varchar;
alter table snapshot_numbers add column if not exists release_date date;
alter table snapshot_numbers add column if not exists reservation_notes varchar;
alter table snapshot_numbers add column if not exists description varchar;
alter table snapshot_numbers add column if not exists extra json;
alter table snapshot_users add column if not exists extra json;
alter table deleted_users add column if not exists load_id bigint;
