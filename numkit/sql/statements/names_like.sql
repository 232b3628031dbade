-- The names numkit knows within two letters of $u, case aside (active users, deleted ones,
-- the names Reserved For flags hold), closest first: what a username nothing holds was
-- probably meant to be, when an answer is asked about it (a typo gets a new user's answer).
with known as (
    select username as name from users
    union
    select username from deleted_users
    union
    select reserved_for from numbers where reserved_for is not null
)
select min(name) as name
from known
where abs(length(name) - length($u)) <= 2
  and levenshtein(lower(name), lower($u)) between 1 and 2
group by lower(name)
order by min(levenshtein(lower(name), lower($u))), lower(name)
limit 3;
