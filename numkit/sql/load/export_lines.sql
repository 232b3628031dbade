-- The numbers file's data lines as they are (loading/lines.py): one column, no quote and the
-- unit separator as delimiter, so that each line is read whole, in file order; each hashed
-- (load/line_hash) and set apart by the file's basis (its header, the statuses' spellings
-- and the hash's own scheme: loading/lines.py), with its length in bytes
-- (the lines that changed are read from the file by their places: loading/changed_lines.py;
-- keeping every line's text would hold the whole export in memory). Not strict: a value with
-- a line end of another kind inside would stop a strict reader, and the lines are then
-- only counted (more lines than rows). A line the reader refuses (not UTF-8, too long) is
-- recorded in line_rejects. Read only from a file without the unit separator (its facts):
-- a line holding it would be cut there, in silence.
create or replace temp table export_lines as
select line_hash(line, $basis) as line_hash, strlen(line) as line_bytes
from read_csv($path, columns = {'line': 'varchar'}, header = true, delim = chr(31), quote = '',
              escape = '', auto_detect = false, max_line_size = $max_line, store_rejects = true,
              rejects_table = 'line_rejects', rejects_scan = 'line_scans', strict_mode = false);
