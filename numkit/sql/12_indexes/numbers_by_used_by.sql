-- The rows a user holds (moves, deletions, previews) without lowering every row's used_by.
create index if not exists numbers_by_used_by on numbers (lower(used_by));
