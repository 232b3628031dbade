-- Rows a non-strict load refused, with why, so that nothing is dropped silently.
create table if not exists load_rejects (
    load_id bigint not null,
    file varchar not null,
    row bigint,
    "column" varchar,
    value varchar,
    reason varchar not null
);
