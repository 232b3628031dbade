-- The snapshot date is the as_of of the latest load: the day the stored statuses were
-- true. Without any load there is none, and only cooling without an end date is stuck.
-- Loads are refused out of date order, so the latest load has the largest as_of; max()
-- says so in a plan DuckDB builds and runs much faster than "the last row by load_id".
-- numkit then fixes the answer as a constant (statements/fix_lookup.sql) after each write
-- to `loads`: this lookup is part of every rule, and a constant costs nothing; check()
-- reports a constant that disagrees with `loads` (stale_snapshot_date).
create or replace macro numkit_snapshot_date() as
    (select max(loads.as_of) from loads);
