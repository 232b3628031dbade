-- The problems a load finds in the rows of its files (load/<role>_problems and the lines
-- the CSV reader refused): a file with millions of bad rows has millions of problems, so
-- they stay in DuckDB (a file database spills them to disk). The rows a non-strict load
-- rejects, and load_rejects, are read from here; only the first few thousand are handed
-- to Python (LoadError).
create or replace temp table load_problems (
    role varchar not null,
    file varchar not null,
    row bigint,
    "column" varchar,
    value varchar,
    reason varchar not null
);
