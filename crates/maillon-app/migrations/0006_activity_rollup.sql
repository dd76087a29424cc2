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

-- The same sums per calendar year: a year of 200 structures reads 200 × its values.
CREATE TABLE activity_yearly (
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    year TEXT NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (structure_id, year, dimension, value)
);

ALTER TABLE activity_participants ADD COLUMN structure_id TEXT NOT NULL DEFAULT '';
ALTER TABLE activity_participants ADD COLUMN date TEXT NOT NULL DEFAULT '';
UPDATE activity_participants SET
    structure_id = (SELECT a.structure_id FROM activities a WHERE a.id = activity_participants.activity_id),
    date = (SELECT a.date FROM activities a WHERE a.id = activity_participants.activity_id);
DROP INDEX activity_participants_beneficiary;
CREATE INDEX activity_participants_beneficiary ON activity_participants(beneficiary_id, date);
CREATE INDEX activity_participants_seen ON activity_participants(structure_id, date, beneficiary_id);

-- The named people seen by each structure each calendar year, with their profile and the
-- year they were first accompanied: a year's statistics count them without reading
-- every participation. Recomputed per person by `rollup::refresh_people`.
CREATE TABLE people_yearly (
    structure_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiaries(id) ON DELETE CASCADE,
    genre TEXT NOT NULL,
    statut TEXT NOT NULL,
    commune TEXT NOT NULL,
    birth_year BIGINT,
    first_year BIGINT NOT NULL,
    PRIMARY KEY (structure_id, year, beneficiary_id)
);
CREATE INDEX people_yearly_beneficiary ON people_yearly(beneficiary_id);

-- Their numbers per structure, year, dimension (genre, statut, commune, birth_year, new)
-- and value, kept with each refresh of a person.
CREATE TABLE people_counts (
    structure_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (structure_id, year, dimension, value)
);
