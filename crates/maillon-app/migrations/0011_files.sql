-- Uploaded files: what they are and what they belong to. Their bytes are in the file
-- storage (a folder or an S3-compatible bucket) under a random key; an adaptation's copy
-- shares its original's bytes, deleted with their last record.
CREATE TABLE stored_files (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    resource_id TEXT REFERENCES resources(id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width BIGINT,
    height BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX stored_files_resource ON stored_files(resource_id);
CREATE INDEX stored_files_key ON stored_files(storage_key);

-- Image blocks (alternative text, caption in `title`) and file blocks (title, description
-- in `body`) point to their file; a resource may have a cover image.
ALTER TABLE resource_blocks ADD COLUMN file_id TEXT REFERENCES stored_files(id) ON DELETE SET NULL;
ALTER TABLE resource_blocks ADD COLUMN alt TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN cover_file_id TEXT REFERENCES stored_files(id) ON DELETE SET NULL;
ALTER TABLE resources ADD COLUMN cover_alt TEXT NOT NULL DEFAULT '';
