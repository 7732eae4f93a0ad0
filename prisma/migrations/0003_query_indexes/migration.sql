-- Equality filters (`data @> {"k": v}`) must use record_data_idx at every table size.
--
-- With GIN's default fastupdate = on, new entries first go to an unsorted pending list (up to
-- gin_pending_list_limit, 4 MB) that every index scan reads in full and that only VACUUM,
-- autovacuum or an overflow merges into the tree. PGlite never vacuums, so the list stays. The planner
-- charges every GIN lookup for it: on small tables equality then skips the index (a 4,300-record table
-- used a sequential scan on both backends), and at 100k records each lookup is slower (bench/query.ts,
-- PGlite equality p50/p95 21.4/106 ms with the list, 3.5/62 ms without; PostgreSQL after 5k more
-- writes 7.1/28.2 ms vs 1.2/3.6 ms). Inserts into the tree directly cost no more in bulk imports.
ALTER INDEX record_data_idx SET (fastupdate = off);

-- Turning fastupdate off does not flush the list an existing database already has.
SELECT gin_clean_pending_list('record_data_idx'::regclass);
