-- Whether a version (from_load, to_load: rules R36) is held by the snapshot of load `held`
-- and not by that of load `other`. Written as plain comparisons of the version's columns
-- with constants: DuckDB folds the case that does not apply away and skips the row
-- groups the comparisons leave out (a version ended between the two loads, or begun
-- between them), where "held at one and not at the other" as written would read every
-- version of the history.
create or replace macro held_at_one_only(version_from, version_to, held, other) as
    (held < other and version_from <= held and version_to is not null
     and version_to > held and version_to <= other)
    or (held > other and version_from > other and version_from <= held
        and (version_to is null or version_to > held));
