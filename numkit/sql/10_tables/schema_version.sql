-- Which version of these SQL files built the database, so that opening an up-to-date
-- database does not rewrite its views (and a read-only connection can open it).
create table if not exists schema_version (
    digest varchar not null
);
