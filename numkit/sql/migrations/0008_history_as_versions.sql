-- Version 8: history kept as versions (number_versions, user_versions, node_versions)
-- instead of a whole copy per load. Each row's consecutive copies that are equal, every
-- column, become one version; a row missing from a load (or changed) ends its version
-- there. The copies go; snapshot_numbers, snapshot_users and snapshot_nodes become views of
-- the versions giving the same rows.
create table if not exists snapshot_nodes (
    load_id bigint not null, node varchar not null, parent varchar, type varchar, name varchar
);
create temp table numkit_load_positions as
select load_id, row_number() over (order by load_id) as position from loads;

insert into number_versions
with copies as (
    select copy.*, positions.position,
           {status: copy.status, usage: copy.usage, reserved_for: copy.reserved_for,
            used_by: copy.used_by, release_date: copy.release_date,
            reservation_notes: copy.reservation_notes, description: copy.description,
            extra: copy.extra::varchar, number_order: copy.number_order} as value
    from snapshot_numbers as copy
    join numkit_load_positions as positions on positions.load_id = copy.load_id
),
compared as (
    select *,
           coalesce(lag(position) over key_order <> position - 1
                    or lag(value) over key_order is distinct from value, true) as begins
    from copies
    window key_order as (partition by number, node order by position)
),
numbered as (
    select *, sum(begins::integer) over (partition by number, node order by position
                                          rows unbounded preceding) as version
    from compared
)
select min(numbered.load_id) as from_load,
       (select load_id from numkit_load_positions where position = max(numbered.position) + 1)
           as to_load,
       numbered.number, numbered.node,
       any_value(status), any_value(usage), any_value(reserved_for), any_value(used_by),
       any_value(release_date), any_value(reservation_notes), any_value(description),
       any_value(extra), any_value(number_order)
from numbered
group by numbered.number, numbered.node, numbered.version;

insert into user_versions
with copies as (
    select copy.*, positions.position, {username: copy.username, node: copy.node,
                                        extra: copy.extra::varchar} as value
    from snapshot_users as copy
    join numkit_load_positions as positions on positions.load_id = copy.load_id
),
compared as (
    select *,
           coalesce(lag(position) over key_order <> position - 1
                    or lag(value) over key_order is distinct from value, true) as begins
    from copies
    window key_order as (partition by lower(username) order by position)
),
numbered as (
    select *, sum(begins::integer) over (partition by lower(username) order by position
                                          rows unbounded preceding) as version
    from compared
)
select min(numbered.load_id),
       (select load_id from numkit_load_positions where position = max(numbered.position) + 1),
       any_value(username), any_value(node), any_value(extra)
from numbered
group by lower(numbered.username), numbered.version;

insert into node_versions
with copies as (
    select copy.*, positions.position, {parent: copy.parent, type: copy.type,
                                        name: copy.name} as value
    from snapshot_nodes as copy
    join numkit_load_positions as positions on positions.load_id = copy.load_id
),
compared as (
    select *,
           coalesce(lag(position) over key_order <> position - 1
                    or lag(value) over key_order is distinct from value, true) as begins
    from copies
    window key_order as (partition by node order by position)
),
numbered as (
    select *, sum(begins::integer) over (partition by node order by position
                                          rows unbounded preceding) as version
    from compared
)
select min(numbered.load_id),
       (select load_id from numkit_load_positions where position = max(numbered.position) + 1),
       numbered.node, any_value(parent), any_value(type), any_value(name)
from numbered
group by numbered.node, numbered.version;

drop table numkit_load_positions;
drop table snapshot_numbers;
drop table snapshot_users;
drop table snapshot_nodes;
