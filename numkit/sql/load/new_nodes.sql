-- The hierarchy after a load: the hierarchy file's nodes when one is given (else the nodes
-- known before), plus every prefix of every path the new files name. A node keeps the type
-- and name it had unless the hierarchy file gives them.
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
    coalesce(given.type, known.type) as type,
    coalesce(given.name, known.name) as name
from prefixes
left join given on given.node = prefixes.node
left join nodes as known on known.node = prefixes.node;
