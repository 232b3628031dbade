-- Active users and the node they sit at; usernames are unique case-insensitively.
create table if not exists users (
    username varchar not null,
    node varchar not null
);
