-- The statuses a number can have, as VOSS spells them, in the order numkit lists them;
-- the loader reads a status in any case and stores this spelling. `settable`: an analyst
-- may set a row to it; the others say what VOSS did (a Used row has its user, Inactive is
-- VOSS's decision) and only a load brings them. Filled here, at every build of the schema,
-- so that it always says what this numkit's rules mean.
create table if not exists statuses (
    status varchar primary key,
    position integer not null,
    settable boolean not null
);
insert or replace into statuses (status, position, settable) values
    ('Available', 1, true),
    ('Used', 2, false),
    ('Used-Utility', 3, false),
    ('Reserved', 4, true),
    ('Cooling', 5, true),
    ('Inactive', 6, false);
