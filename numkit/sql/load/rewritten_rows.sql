-- The snapshot's rows a weekly load rewrites (rows_to_rewrite), read once for the writes
-- that follow: the inventory's and the history's.
create or replace temp table rewritten_rows as
select load_rows.*
from load_rows
semi join rows_to_rewrite
  on rows_to_rewrite.number = load_rows.number and rows_to_rewrite.node = load_rows.node;
