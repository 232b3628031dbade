-- The nodes a load given a hierarchy file makes that neither the file nor the inventory
-- has: made from the paths the numbers and users files name (every path a file names is a
-- node), without a type, most often a site's path mistyped in one file. Read from the
-- hierarchy after the load (new_nodes, a few thousand rows) before it is written; the load
-- report names them (loading/load.py, LoadReport.unlisted_nodes).
create or replace temp table unlisted_nodes as
select node from new_nodes
where node not in (select node from valid_hierarchy)
  and node not in (select node from nodes);
