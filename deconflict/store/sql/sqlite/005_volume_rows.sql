-- A footprint the stored core gives back bit for bit needs no JSON copy (a polygon whose
-- rings are its core's; a circle whose radius is its margin less its buffer): only the
-- rest keep `footprint_json`, which makes rows half as wide: a search at a million volumes
-- reads dozens of rows from all over the file, and a load spent a tenth of its time
-- writing coordinates as text.
-- Ids become AUTOINCREMENT: an id is never handed out again once its volume is gone, so
-- "every volume above this id" names exactly what was stored since (see `high_water`).
-- SQLite can change neither in place, so the table is rebuilt with the same columns.
CREATE TABLE volumes_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    party_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    footprint_json TEXT,
    core_wkb BLOB NOT NULL,
    margin_m REAL NOT NULL,
    h_buffer_m REAL NOT NULL,
    v_buffer_m REAL NOT NULL,
    alt_lower_m REAL NOT NULL,
    alt_upper_m REAL NOT NULL,
    alt_ref TEXT NOT NULL,
    ell_lower_m REAL NOT NULL,
    ell_upper_m REAL NOT NULL,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL,
    box_count INTEGER NOT NULL
);

INSERT INTO volumes_rebuilt SELECT * FROM volumes;

DROP TABLE volumes;

ALTER TABLE volumes_rebuilt RENAME TO volumes;

CREATE INDEX volumes_by_entity ON volumes (kind, entity_id);

CREATE INDEX volumes_by_end ON volumes (end_us);
