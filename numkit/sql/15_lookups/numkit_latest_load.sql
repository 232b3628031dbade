-- The load_id of the latest load (null before any): the snapshot the inventory was last
-- loaded from. numkit fixes the answer as a constant after each write to `loads`
-- (statements/fix_lookup.sql), so that a filter on it skips other snapshots' rows.
create or replace macro numkit_latest_load() as
    (select max(loads.load_id) from loads);
