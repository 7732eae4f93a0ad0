-- Backfill leases: several server processes on one PostgreSQL each run a backfill worker, and without a
-- claim they all embedded the same index at once. A worker claims a managed index by writing its id and
-- an expiry (database clock) in one conditional UPDATE, renews it while it works and clears it when it
-- stops; another worker takes the index over only once the lease has expired (its holder died).

ALTER TABLE embedding_index
  ADD COLUMN lease_owner      text,
  ADD COLUMN lease_expires_at timestamptz(3),
  ADD CONSTRAINT embedding_index_lease_check CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL));
