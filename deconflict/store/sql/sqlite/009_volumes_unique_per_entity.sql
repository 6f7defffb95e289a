-- One row per volume of an entity, as PostgreSQL's UNIQUE (kind, entity_id, idx) keeps:
-- a bulk load given an entity that already had volumes was taken here, and the search then
-- returned both versions. The unique index serves the lookups by kind and entity that
-- volumes_by_entity served, so it takes that index's place.
CREATE UNIQUE INDEX volumes_by_entity_volume ON volumes (kind, entity_id, idx);

DROP INDEX volumes_by_entity;
