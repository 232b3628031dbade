-- Who made the events `event_ids` (a list of event ids): their actors, each once, in the
-- order each first acted, comma-separated ("alice, bob"); "unknown" for events logged
-- before numkit recorded who made them (schema 10). Null for no event.
create or replace macro actors_of(event_ids) as (
    select string_agg(actor, ', ' order by first_event)
    from (
        -- the few events named, found by id: never a scan of the whole log
        select coalesce(events.actor, 'unknown') as actor, min(events.event_id) as first_event
        from (select unnest(event_ids) as event_id) as named
        join events on events.event_id = named.event_id
        group by all
    )
);
