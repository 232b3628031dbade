-- The inventory: one row per number per node. `reserved_for` is VOSS's "Reserved For"
-- flag and is independent of status. Columns of the export that numkit does not know are
-- kept as they came in `extra`. `node_id` is the id of `node` in `nodes`, kept by numkit
-- (rows are stored in node_id order, which lets a query read only the nodes it needs).
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
    node_id integer
);
-- databases built before node ids
alter table numbers add column if not exists node_id integer;
update numbers
set node_id = nodes.node_id
from nodes
where nodes.node = numbers.node and numbers.node_id is distinct from nodes.node_id;

