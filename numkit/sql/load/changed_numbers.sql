-- The changed lines of a weekly load (line_changes), parsed (checked_numbers, numbered from
-- row 2 in file order) and given back their rows in the export and their line hashes.
-- (The row ids of a table written in the running transaction begin at an offset.)
create or replace temp table changed_numbers as
with added as (
    select line_changes.line_index, export_lines.line_hash,
           row_number() over (order by line_changes.line_index) + 1 as parsed_row
    from line_changes
    join export_lines on export_lines.rowid = line_changes.line_index
    where line_changes.kept_row is null
)
select added.line_index - (select min(rowid) from export_lines) + 2 as _row, parsed.* exclude (_row), added.line_hash
from checked_numbers as parsed
join added on added.parsed_row = parsed._row;
