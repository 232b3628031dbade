-- Active users and the node they sit at; usernames are unique case-insensitively. Columns
-- of the users export that numkit does not know are kept as they came in `extra`.
create table if not exists users (
    username varchar not null,
    node varchar not null,
    extra json
);
