-- The status a row has at as_of, without changing what is stored: a Reserved or Cooling
-- row whose end date has come is Available, every other row keeps its stored status.
create or replace macro effective_status(status, release_date) as
    case when released_by_as_of(status, release_date) then 'Available' else status end;
