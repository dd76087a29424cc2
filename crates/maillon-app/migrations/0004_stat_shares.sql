-- Public links to a structure's statistics (anonymous aggregates only). The token is kept
-- as written so that admins can copy the link again; revoking it ends the link.
CREATE TABLE stat_shares (
    token TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX stat_shares_structure ON stat_shares(structure_id);
