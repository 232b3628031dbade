-- The hierarchy after a load: the hierarchy file's nodes when one is given (else the nodes
-- known before), plus every prefix of every path the new files name. Types and names are
-- the hierarchy file's when one is given, as a load into an empty database would make them
-- (a node the file no longer types, or no longer lists, has none); else those known before.
create or replace temp table new_nodes as
with paths as (
    select node from valid_hierarchy
    union select node from nodes where not $hierarchy_given
    union select node from valid_numbers
    union select node from load_users
),
prefixes as (
    select distinct array_to_string(string_split(paths.node, '.')[1:level], '.') as node
    from paths
    cross join unnest(range(1, len(string_split(paths.node, '.')) + 1)) as levels(level)
),
given as (
    select node, any_value(type) as type, any_value(name_raw) as name
    from valid_hierarchy
    group by node
)
select
    prefixes.node,
    case when contains(prefixes.node, '.') then regexp_replace(prefixes.node, '\.[^.]*$', '') end
        as parent,
    case when $hierarchy_given then given.type else known.type end as type,
    case when $hierarchy_given then given.name else known.name end as name
from prefixes
left join given on given.node = prefixes.node
left join nodes as known on known.node = prefixes.node;
