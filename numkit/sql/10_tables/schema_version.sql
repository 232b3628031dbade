-- Which schema built the database: `version` (numkit.schema.SCHEMA_VERSION) decides whether
-- this numkit may use it (a newer one is refused, an older one upgraded by a writer only);
-- `digest` tells the same version's files apart, so that opening an up-to-date database
-- writes nothing. Two columns also stop a numkit from before versions downgrading it: that
-- numkit writes its digest alone into this table, which fails and undoes its rewrite.
create table if not exists schema_version (
    digest varchar not null,
    version integer
);
