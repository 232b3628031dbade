-- Version 10: each event records who made the change (`actor`). Events logged before have
-- none: null, read as "unknown"; nothing can tell who made them now.
alter table events add column if not exists actor varchar;
