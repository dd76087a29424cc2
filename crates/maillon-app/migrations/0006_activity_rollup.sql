-- Statistics without scanning every activity (decision 0009): a monthly roll-up per
-- structure of what activities count, kept up to date with each change and filled from
-- the activities right after this migration; and, on each participation, its structure
-- and date, so that counting the people seen in a period reads one index.

CREATE TABLE activity_monthly (
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (structure_id, month, dimension, value)
);

ALTER TABLE activity_participants ADD COLUMN structure_id TEXT NOT NULL DEFAULT '';
ALTER TABLE activity_participants ADD COLUMN date TEXT NOT NULL DEFAULT '';
UPDATE activity_participants SET
    structure_id = (SELECT a.structure_id FROM activities a WHERE a.id = activity_participants.activity_id),
    date = (SELECT a.date FROM activities a WHERE a.id = activity_participants.activity_id);
DROP INDEX activity_participants_beneficiary;
CREATE INDEX activity_participants_beneficiary ON activity_participants(beneficiary_id, date);
CREATE INDEX activity_participants_seen ON activity_participants(structure_id, date, beneficiary_id);
