-- Hierarchy rows as read from the file, in the file's order (loading/load.py numbers them:
-- checked_hierarchy), with the path checked and the type in numkit's spelling.
create or replace temp table read_hierarchy as
select
    stage_hierarchy.*,
    case when not regexp_matches(node_raw, '(^\.|\.\.|\.$)') then node_raw end as node,
    case lower(type_raw)
        when 'provider' then 'Provider'
        when 'reseller' then 'Reseller'
        when 'customer' then 'Customer'
        when 'intermediate' then 'Intermediate'
        when 'site' then 'Site'
    end as type
from stage_hierarchy;
