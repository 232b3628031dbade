-- The history of the active users, as number_versions keeps the rows: each version of a
-- user (one per username, compared without regard to case) with the load it appeared in and
-- the load that no longer found it so. A load without a users file keeps them as they were.
create table if not exists user_versions (
    from_load bigint not null,
    to_load bigint,
    username varchar not null,
    node varchar not null,
    extra json
);
