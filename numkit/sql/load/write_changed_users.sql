-- The users after a load written where they differ from those the inventory holds
-- (load/users_differing): a weekly load rewrites a few users, not millions.
delete from users
where rowid in (select kept_row from users_differing where kept_row is not null);
insert into users (username, node, extra)
select username, node, extra from users_differing where kept_row is null;
