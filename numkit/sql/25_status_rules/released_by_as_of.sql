-- Whether VOSS will have made a Reserved or Cooling row Available by as_of: its end date
-- has come (the cooling job released it, or the reservation ended) and it is not stuck.
-- A scalar macro, not a column of a view, so that a question over millions of rows can
-- count by stored status first and ask this only of the rows that need it.
create or replace macro released_by_as_of(status, release_date) as
    status in ('Cooling', 'Reserved')
    and release_date <= numkit_as_of()
    and not cooling_stuck(status, release_date);
