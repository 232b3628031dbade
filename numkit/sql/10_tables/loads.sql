-- One row per snapshot loaded: the as_of of the latest load is the snapshot date, the day
-- on which the stored statuses were true.
create sequence if not exists load_ids;
create table if not exists loads (
    load_id bigint primary key default nextval('load_ids'),
    loaded_at timestamp not null,
    as_of date not null,
    files varchar,
    numbers bigint not null,
    users bigint,
    nodes bigint not null,
    rejected bigint not null,
    deleted_users bigint not null
);
