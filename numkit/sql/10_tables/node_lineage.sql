-- node_ancestors kept as a table: each node with every ancestor that is a node too, the
-- levels up, and the ancestor's node_id. A question from a viewpoint looks its ancestors
-- up here (ancestors_of) instead of testing every path for being a prefix of the
-- viewpoint's; numkit fills it again whenever it writes `nodes` (a load), and check()
-- reports it out of step with `nodes` (stale_node_lineage).
create table if not exists node_lineage (
    node varchar not null,
    ancestor varchar not null,
    distance integer not null,
    ancestor_id integer
);
