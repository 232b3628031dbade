-- What each loaded snapshot held, so that two snapshots can be compared later.
create table if not exists snapshot_numbers (
    load_id bigint not null,
    number varchar not null,
    node varchar not null,
    status varchar not null,
    reserved_for varchar,
    used_by varchar
);
