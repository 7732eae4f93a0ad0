-- Several servers on one PostgreSQL analyze relationship suggestions: each server debounces the writes
-- it served, so without coordination every server would analyze the same project. The project's
-- analysis row becomes the coordination point: a pass is claimed with a lease (renewed as it
-- progresses), and `requested_at` records the latest request for a pass from any server. A request
-- that arrives while another server's pass runs only moves `requested_at`; the pass, when it ends,
-- runs once more if a request came after it started (all times are the database's clock).
ALTER TABLE suggestion_analysis
  ADD COLUMN lease_owner      text,
  ADD COLUMN lease_expires_at timestamptz(3),
  ADD COLUMN requested_at     timestamptz(3);
