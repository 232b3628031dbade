-- The history of the inventory's rows: each version of a row (number, node) as a load found
-- it, kept once, with the load it appeared in (`from_load`) and the load that no longer
-- found it so (`to_load`; null while the latest snapshot still holds it). The snapshot of
-- load L is the versions with from_load <= L < to_load (numbers_at). A weekly load writes
-- only the rows that changed, so history grows with what changes, not with the weeks.
create table if not exists number_versions (
    from_load bigint not null,
    to_load bigint,
    number varchar not null,
    node varchar not null,
    status varchar not null,
    usage varchar,
    reserved_for varchar,
    used_by varchar,
    release_date date,
    reservation_notes varchar,
    description varchar,
    extra json,
    -- number_value(number), as `numbers` keeps it: a few rows of a snapshot are found by
    -- their number reading one integer column instead of comparing millions of strings
    number_order hugeint
);
