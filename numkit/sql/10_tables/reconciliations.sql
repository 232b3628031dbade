-- What each load did with the changes pending before it (README, "Round trip with VOSS"):
-- one row per pending change (per field) with its outcome: `applied` (the export shows
-- numkit's value), `pending` (the export still shows the value as last loaded: numkit's
-- value was re-applied and stays pending), `conflict` (VOSS decided otherwise, or
-- re-applying would break an invariant: the export's value is kept), or `discarded`
-- (the load was told to drop the pending changes). `export_value` is what the new export
-- shows for the field.
create table if not exists reconciliations (
    load_id bigint not null,
    outcome varchar not null,
    kind varchar not null,
    number varchar,
    node varchar,
    username varchar,
    field varchar not null,
    voss_value varchar,
    numkit_value varchar,
    export_value varchar,
    decided_at timestamp,
    event_ids bigint[],
    reason varchar
);
