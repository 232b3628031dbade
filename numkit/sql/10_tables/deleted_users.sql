-- History of deletions: every user deleted through numkit or missing from a later
-- snapshot. A user onboarded again keeps this history; deleted twice, two rows.
create table if not exists deleted_users (
    username varchar not null,
    node varchar,
    deleted_at date not null
);
