-- A lookup of 15_lookups as the constant it is until the tables it reads are written
-- again: a subquery in every rule costs DuckDB a join per question, a constant costs
-- nothing (and a constant load id lets DuckDB skip other snapshots' blocks). numkit runs
-- this after the lookup's own file, with {name}, its answer then as a {literal} and its
-- {type} (numkit.schema.fix_lookup), after each write to `loads` or, for
-- numkit_candidate_order, to its setting.
create or replace macro {name}() as
    cast({literal} as {type});
