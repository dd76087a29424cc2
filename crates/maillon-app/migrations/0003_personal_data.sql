-- Personal data of the activity log: who read or changed a named beneficiary, and
-- whether a structure lets its volunteers see its beneficiaries.

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    user_id TEXT,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    -- No name here: after an erasure the log must not keep it.
    beneficiary_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX audit_log_structure ON audit_log(structure_id, at);

ALTER TABLE structures ADD COLUMN volunteers_see_beneficiaries BIGINT NOT NULL DEFAULT 0;
