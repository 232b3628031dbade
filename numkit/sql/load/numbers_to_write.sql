-- The kept number rows as the numbers table holds them, with their node ids and number
-- order: what a load writes, sorted (replace_numbers) or as read (replace_numbers_as_read),
-- each with the hash of its line when the file's lines are its rows one to one
-- (export_lines, loading/lines.py).
create or replace temp view numbers_to_write as
select valid_numbers.number, valid_numbers.node, status, usage, reserved_for, used_by,
       release_date, reservation_notes, description, extra, nodes.node_id,
       number_value(valid_numbers.number) as number_order, export_lines.line_hash
from valid_numbers
join nodes on nodes.node = valid_numbers.node
left join (select rowid - (select min(rowid) from export_lines) + 2 as line_row, line_hash
           from export_lines) as export_lines
  on export_lines.line_row = valid_numbers._row;
