-- History of deletions: every user deleted through numkit or missing from a later
-- snapshot. A user onboarded again keeps this history; deleted twice, two rows. `load_id`
-- names the load that recorded a user missing from its users file (null for a deletion
-- made by an operation), so that forgetting that snapshot takes its deletions back.
create table if not exists deleted_users (
    username varchar not null,
    node varchar,
    deleted_at date not null,
    load_id bigint
);
