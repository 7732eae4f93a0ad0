-- Sorting a label's records by a system timestamp ("orderBy": { "__createdAt": "desc" }, the console's
-- Created and Updated columns) reads these in order and stops at the page instead of sorting the label.
-- At 80k records of one label, a 50-record page sorted by created_at took 249 ms p50 on PGlite and 133 ms
-- on PostgreSQL 15 without them, 32 and 37 ms with (as the default order by id, the count of the label
-- included); 10k-record imports were no slower within the noise. Sorting across all labels is not served.
CREATE INDEX record_created_idx ON record (project_id, label, created_at);
CREATE INDEX record_updated_idx ON record (project_id, label, updated_at);
