-- node_lineage from `nodes`, after numkit writes them (see 10_tables/node_lineage.sql).
delete from node_lineage;
insert into node_lineage
select * from node_lineage_from_paths
order by node, distance;
