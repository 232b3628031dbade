-- numkit_latest_load() as the constant it is until the next load ({load_id} is the latest
-- load's id as a literal, or null): a constant lets DuckDB skip the blocks of the other
-- snapshots in snapshot_numbers.
create or replace macro numkit_latest_load() as
    cast({load_id} as bigint);
