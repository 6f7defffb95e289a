-- Live volumes of zones, operations, warnings and subscriptions, and their 4D prefilter index.
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS volumes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    party_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    footprint_json TEXT NOT NULL,
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

CREATE INDEX IF NOT EXISTS volumes_by_entity ON volumes (kind, entity_id);
CREATE INDEX IF NOT EXISTS volumes_by_end ON volumes (end_us);

-- One to four boxes per volume: box id = volume id * 4 + k. R*Tree stores float32 and rounds
-- outward, so times are hours since the epoch in `meta`, near the data, not Unix seconds.
-- Degrees, kilometres and hours give the four axes comparable spreads: the R* split
-- heuristics compare raw numbers, and metres and seconds made them split on time and
-- altitude alone (p50 3x slower, p99 15x slower in bench measurements).
CREATE VIRTUAL TABLE IF NOT EXISTS volume_boxes USING rtree (
    id,
    lon_min, lon_max,
    lat_min, lat_max,
    alt_min_km, alt_max_km,
    t_min_h, t_max_h
);
