-- The inventory: one row per number per node. `reserved_for` is VOSS's "Reserved For"
-- flag and is independent of status. Columns of the export that numkit does not know are
-- kept as they came in `extra`.
create table if not exists numbers (
    number varchar not null,
    node varchar not null,
    status varchar not null,
    usage varchar,
    reserved_for varchar,
    used_by varchar,
    release_date date,
    reservation_notes varchar,
    description varchar,
    extra json
);
