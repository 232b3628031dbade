-- The nodes of a load given a hierarchy file that the file does not have: made from the
-- paths the numbers and users files name (every path a file names is a node), without a
-- type, most often a site's path mistyped in one file, or a node the file no longer lists.
-- As a load into an empty database would find them, so each load given the file names them
-- again while it lacks them. Read from the hierarchy after the load (new_nodes, a few
-- thousand rows) before it is written; the load report names them (loading/load.py,
-- LoadReport.unlisted_nodes). A node above the file's own (`sys`, `sys.hcs` above the
-- providers) is the paths' structure, which hierarchy files leave out: not named.
create or replace temp table unlisted_nodes as
with unlisted as (
    select node from new_nodes
    where node not in (select node from valid_hierarchy)
)
select node from unlisted
where not exists (select 1 from valid_hierarchy
                  where starts_with(valid_hierarchy.node, unlisted.node || '.'));
