-- The inventory: one row per number per node. `reserved_for` is VOSS's "Reserved For"
-- flag and is independent of status. Columns of the export that numkit does not know are
-- kept as they came in `extra`. `node_id` is the id of `node` in `nodes`, kept by numkit
-- (rows are stored in node_id order, which lets a query read only the nodes it needs).
-- `number_order` is number_value(number), kept by numkit too: the rules put candidates in
-- number order, and reading a stored integer is several times cheaper than converting
-- every visible number's text on each question. `line_hash` is the hash of the line of the
-- numbers file the row was read from, with the file's header and the statuses' spellings
-- (null for a row not read from a CSV line): a weekly load parses only the lines whose
-- hash no row keeps (loading/lines.py).
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
    extra json,
    node_id integer,
    number_order hugeint,
    line_hash ubigint
);
