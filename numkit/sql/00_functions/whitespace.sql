-- The characters numkit counts as whitespace, as a regular-expression class: those Python's
-- str.isspace() accepts, so that a load (SQL) trims and strips exactly what the API (Python's
-- strip() and `\s`) does. DuckDB's trim() removes spaces only, and `\s` in its regular
-- expressions only ASCII whitespace without the vertical tab.
create or replace macro whitespace() as
    '[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]';
