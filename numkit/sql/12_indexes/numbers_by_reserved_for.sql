-- The rows flagged Reserved For a user (belonging to, stranded on a move) without lowering
-- every row's reserved_for.
create index if not exists numbers_by_reserved_for on numbers (lower(reserved_for));
