-- What each loaded snapshot held, so that two snapshots can be compared later, and the
-- latest forgotten (forget_latest_snapshot) by writing back the one before, every column.
create table if not exists snapshot_numbers (
    load_id bigint not null,
    number varchar not null,
    node varchar not null,
    status varchar not null,
    reserved_for varchar,
    used_by varchar,
    usage varchar,
    release_date date,
    reservation_notes varchar,
    description varchar,
    extra json,
    -- number_value(number), as `numbers` keeps it: finding a few rows of a snapshot by
    -- their number reads one integer column instead of comparing ten million strings
    number_order hugeint
);
