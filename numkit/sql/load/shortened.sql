-- A value as a load's problem report and load_rejects keep it: a value longer than 100
-- characters (a runaway path, a line of values run together) keeps its first 100 and says
-- how long it was, so that the report of a few thousand problems stays small.
create or replace temp macro shortened(value) as
    case
        when length(value) > 100
        then left(value, 100) || '… (' || format('{:,}', length(value)) || ' characters)'
        else value
    end;
