-- Rows a non-strict load refused, with why, so that nothing is dropped silently.
-- Values are kept exactly as the export gave them, even text a spreadsheet would run as a
-- formula (`=cmd|...`): this is data for SQL. numkit writes no file from this table; a file
-- written from it must go through numkit.exports.problems_for_spreadsheets first.
create table if not exists load_rejects (
    load_id bigint not null,
    file varchar not null,
    row bigint,
    "column" varchar,
    value varchar,
    reason varchar not null
);
