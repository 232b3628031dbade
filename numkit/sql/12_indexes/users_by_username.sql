-- Usernames compare case-insensitively: finding one active user among millions reads
-- this index instead of lowering every username.
create index if not exists users_by_username on users (lower(username));
