-- The date every rule is evaluated at. numkit sets the variable from `inv.as_of`;
-- an analyst on the bare database file gets today, or sets it with
-- `set variable numkit_as_of = date '2026-12-01'`.
create or replace macro numkit_as_of() as
    coalesce(getvariable('numkit_as_of')::date, current_date);
