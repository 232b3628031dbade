-- A load that puts an inventory's rows back in node order reads the snapshot's rows three
-- times (paired with the inventory, the rewritten ones, then sorted), each time joining
-- every row to its line's hash. That join holds ten million entries in memory (about
-- 540 MB at 10 M numbers) and, held during the sort, left it too little of the load's
-- bound: the load was refused for memory. Kept once as a table, the rows are joined once
-- and the sort reads them without it.
create or replace temp table load_rows_kept as
select * from load_rows;
create or replace temp view load_rows as
select * from load_rows_kept;
