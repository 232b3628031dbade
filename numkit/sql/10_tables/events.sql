-- Append-only audit log: one row per change made by a successful operation. Rows of one
-- operation share `operation_id`; `before` and `after` hold the changed record as JSON;
-- `actor` says who made the change (NUMKIT_ACTOR, else the operating system's user; null
-- for events logged before numkit recorded it, read as "unknown"). `actor` comes last, as
-- the migration that adds it to an older log puts it.
create sequence if not exists event_ids;
create sequence if not exists operation_ids;
create table if not exists events (
    event_id bigint primary key default nextval('event_ids'),
    operation_id bigint not null,
    "at" timestamp not null,
    as_of date,
    action varchar not null,
    number varchar,
    node varchar,
    username varchar,
    before json,
    after json,
    actor varchar
);
