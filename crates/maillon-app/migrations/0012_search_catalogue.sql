-- Every change to what a resource is filed under (visibility, structure, tags, date,
-- opinions) is numbered here, in the writer's transaction: each app server keeps the
-- resources' catalogue in memory for searching and reads only the changes it has not
-- seen (decision 0014). The counter is one row, so numbers are taken in commit order.
CREATE TABLE resource_change_counter (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO resource_change_counter (id, seq) VALUES (1, 0);
CREATE TABLE resource_changes (
    seq BIGINT PRIMARY KEY,
    resource_id TEXT NOT NULL
);
