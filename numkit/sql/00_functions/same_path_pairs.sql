-- One number, one path (docs/rules.md, R6): two rows may carry the same number only if
-- neither row's node is above or at the other's, so that seen from any node a number is
-- at most one row. Two rows at one node are the plain case; rows at two nodes clash only
-- when one node is a proper ancestor of the other. Of `paths` (the nodes that hold the
-- rows in question), this lists each path with each of its proper ancestors that is in
-- `paths` too: every check of the rule pairs rows of one number through these pairs, by
-- equality, so that it runs as a hash join, never as a prefix test between every two rows.
-- Paths are dotted, so a node's ancestors are exactly its path prefixes. `paths` must be
-- sound (load/node_path_problem): each is split into its levels.
create or replace macro same_path_pairs(paths) as table
with given as (
    select distinct unnest(paths) as node
),
prefixes as (
    select given.node, array_to_string(segments[1:level], '.') as ancestor
    from (select node, string_split(node, '.') as segments from given) as given
    cross join unnest(range(1, len(given.segments))) as levels(level)
)
select prefixes.node, prefixes.ancestor
from prefixes
semi join given on given.node = prefixes.ancestor;
