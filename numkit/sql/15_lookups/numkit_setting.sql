-- A setting's value as text (JSON); callers cast it to what they need.
create or replace macro numkit_setting(setting_key) as
    (select settings.value from settings where settings.key = setting_key);
