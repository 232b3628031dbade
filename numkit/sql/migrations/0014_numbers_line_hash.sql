-- Version 14: each number row keeps the hash of the line it was read from (`line_hash`).
-- Rows loaded before have none: the next load reads its whole numbers file and rewrites
-- every row (loading/lines.py), which gives them one.
alter table numbers add column if not exists line_hash ubigint;
