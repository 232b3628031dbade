-- What each loaded snapshot held, so that two snapshots can be compared later, and the
-- latest forgotten (forget_latest_snapshot) by writing back the one before, every column.
create table if not exists snapshot_numbers (
    load_id bigint not null,
    number varchar not null,
    node varchar not null,
    status varchar not null,
    reserved_for varchar,
    used_by varchar
);
-- databases built before snapshots kept every column (their snapshots cannot be written back)
alter table snapshot_numbers add column if not exists usage varchar;
alter table snapshot_numbers add column if not exists release_date date;
alter table snapshot_numbers add column if not exists reservation_notes varchar;
alter table snapshot_numbers add column if not exists description varchar;
alter table snapshot_numbers add column if not exists extra json;
-- number_value(number), as `numbers` keeps it: finding a few rows of a snapshot by their
-- number reads one integer column instead of comparing ten million strings (databases
-- built before it get it once, here)
alter table snapshot_numbers add column if not exists number_order hugeint;
update snapshot_numbers set number_order = number_value(number) where number_order is null;
