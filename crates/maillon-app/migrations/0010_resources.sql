-- Resource commons: teaching resources made in a structure, described with the field's
-- vocabularies, shared as drafts, within the structure, across the network or publicly,
-- and adapted by others with a visible link to the original.
CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    -- Who made it; kept when the account goes (the name stays for attribution).
    author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    duration_minutes BIGINT,
    material TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL,
    -- brouillon (draft: its author), structure, reseau (network), public
    visibility TEXT NOT NULL DEFAULT 'brouillon',
    tested_notes TEXT NOT NULL DEFAULT '',
    -- The resource this one adapts, and what attribution said when it was adapted (kept
    -- even if the original is deleted or hidden later).
    adapted_from_id TEXT REFERENCES resources(id) ON DELETE SET NULL,
    adapted_from_title TEXT NOT NULL DEFAULT '',
    adapted_from_author TEXT NOT NULL DEFAULT '',
    adapted_from_structure TEXT NOT NULL DEFAULT '',
    adapted_from_licence TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX resources_structure ON resources(structure_id, updated_at);
CREATE INDEX resources_visibility ON resources(visibility, updated_at);
CREATE INDEX resources_adapted_from ON resources(adapted_from_id);

-- Themes, resource types, publics and professional sectors (taxonomy section 2).
CREATE TABLE resource_tags (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (resource_id, kind, code)
);
CREATE INDEX resource_tags_code ON resource_tags(kind, code);

-- What a resource is based on, in order.
CREATE TABLE resource_sources (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (resource_id, position)
);

-- The content, as an ordered list of blocks: section (a title), text (safe Markdown),
-- link (url, title, description); image and file blocks come with file storage.
CREATE TABLE resource_blocks (
    id TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX resource_blocks_resource ON resource_blocks(resource_id, position);

-- "Recommandez-vous cette ressource ?" 1 Non, 2 Moyen, 3 Oui, 4 Beaucoup: one per person,
-- editable; and who used it with their public.
CREATE TABLE resource_reviews (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rating BIGINT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (resource_id, user_id)
);
CREATE TABLE resource_uses (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (resource_id, user_id)
);

-- Reports of signed-in people, for the network's admins to resolve. The resource's title
-- is kept so that a report still reads once the resource is deleted.
CREATE TABLE resource_reports (
    id TEXT PRIMARY KEY,
    resource_id TEXT REFERENCES resources(id) ON DELETE SET NULL,
    resource_title TEXT NOT NULL,
    reporter_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    comment TEXT NOT NULL,
    -- ouvert, then: classe (nothing to change), depubliee (back to draft), supprimee
    status TEXT NOT NULL DEFAULT 'ouvert',
    message TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX resource_reports_status ON resource_reports(status, created_at);

-- Collections: a person's (their favourites are one of them) or a structure's, ordered.
CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    -- Exactly one of the two: a person's collection, or a structure's.
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    structure_id TEXT REFERENCES structures(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    favourites BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX collections_user ON collections(user_id);
CREATE INDEX collections_structure ON collections(structure_id);
CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, resource_id)
);

-- Search, the same on SQLite and PostgreSQL: our own inverted index of normalised,
-- stemmed French words (resources/search.rs), rather than FTS5 and tsvector, whose
-- stemming and ranking differ. `weight` sums where the word appears (title counts most).
CREATE TABLE resource_terms (
    term TEXT NOT NULL,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    weight BIGINT NOT NULL,
    PRIMARY KEY (term, resource_id)
);
CREATE INDEX resource_terms_resource ON resource_terms(resource_id);
-- Covers a word's postings with their weights: a search reads the index alone.
CREATE INDEX resource_terms_cover ON resource_terms(term, resource_id, weight);
-- Every word ever indexed, by first letter and length: where a misspelt word finds its
-- neighbours.
CREATE TABLE search_words (
    term TEXT PRIMARY KEY,
    first TEXT NOT NULL,
    len BIGINT NOT NULL
);
CREATE INDEX search_words_near ON search_words(first, len);
