-- numkit_snapshot_date() as the constant it is until the next load: a subquery in every
-- rule costs DuckDB a join per question, a constant costs nothing. numkit runs this after
-- each write to `loads` ({as_of} is the latest load's date as a literal, or null);
-- check() reports a macro that disagrees with `loads` (stale_snapshot_date).
create or replace macro numkit_snapshot_date() as
    cast({as_of} as date);
