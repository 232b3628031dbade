-- Settings an analyst tunes per inventory; values are JSON so that numbers stay numbers.
create table if not exists settings (
    key varchar primary key,
    value varchar not null
);
insert or ignore into settings values
    ('cooling_days', '0'), ('alert_share', '0.1'), ('candidate_order', '"number"');
