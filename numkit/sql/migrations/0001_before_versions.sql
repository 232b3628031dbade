-- What a database made before schema versions lacks (its version reads as 0): the version
-- column itself, node ids, the stored number order and the users' other columns. Rows
-- get their node id and number order here, once; numkit keeps them from then on.
alter table schema_version add column if not exists version integer;

alter table nodes add column if not exists node_id integer;
update nodes
set node_id = numbered.node_id
from (
    select node,
           coalesce((select max(node_id) from nodes), 0)
               + row_number() over (order by node) as node_id
    from nodes
    where node_id is null
) as numbered
where nodes.node = numbered.node;

alter table numbers add column if not exists node_id integer;
update numbers
set node_id = nodes.node_id
from nodes
where nodes.node = numbers.node and numbers.node_id is distinct from nodes.node_id;

alter table numbers add column if not exists number_order hugeint;
update numbers
set number_order = number_value(number)
where number_order is distinct from number_value(number);

alter table users add column if not exists extra json;

-- The snapshot copies of that time, for the migrations after this one to bring up to date
-- (version 8 turns them into versions), in a database that never loaded one.
create table if not exists snapshot_numbers (
    load_id bigint not null, number varchar not null, node varchar not null,
    status varchar not null, reserved_for varchar, used_by varchar
);
create table if not exists snapshot_users (
    load_id bigint not null, username varchar not null, node varchar not null
);
