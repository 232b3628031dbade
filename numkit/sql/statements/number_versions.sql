-- The history of $number over the loaded snapshots (R36): each version of each row holding
-- it, with the load it appeared in (from_load) and the first load that no longer found it so
-- (to_load, null while the latest snapshot holds it), and those loads' snapshot dates; by
-- node, oldest first. Operations made in numkit since the latest load are events, not
-- versions.
select
    versions.node,
    versions.from_load,
    began.as_of as from_as_of,
    versions.to_load,
    ended.as_of as to_as_of,
    versions.status,
    versions.usage,
    versions.reserved_for,
    versions.used_by,
    versions.release_date,
    versions.reservation_notes,
    versions.description,
    versions.extra::varchar as extra
from number_versions as versions
join loads as began on began.load_id = versions.from_load
left join loads as ended on ended.load_id = versions.to_load
-- number_order first (only loads write versions, always with it): DuckDB skips the blocks
-- whose values leave it out
where versions.number_order = number_value($number) and versions.number = $number
order by versions.node, versions.from_load;
