-- The records of the coordination loop: one JSON document per record, beside the columns
-- its lookups need. Times are integer microseconds since the Unix epoch.
-- Party ids are not foreign keys: the audit log names the service itself as party "",
-- and records stay readable after a party is gone.

CREATE TABLE IF NOT EXISTS parties (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    is_authority INTEGER NOT NULL,
    created_us INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS parties_authorities ON parties (is_authority, id);

CREATE TABLE IF NOT EXISTS members (
    id TEXT PRIMARY KEY,
    party_id TEXT NOT NULL,
    api_key_sha256 TEXT NOT NULL UNIQUE,
    created_us INTEGER NOT NULL,
    revoked_us INTEGER,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_of_party ON members (party_id, id);

-- One row per unordered pair: the lower party id first.
CREATE TABLE IF NOT EXISTS agreements (
    party_lo TEXT NOT NULL,
    party_hi TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (party_lo, party_hi),
    CHECK (party_lo < party_hi)
);
CREATE INDEX IF NOT EXISTS agreements_by_hi ON agreements (party_hi, party_lo);

CREATE TABLE IF NOT EXISTS zones (
    id TEXT PRIMARY KEY,
    party_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS zones_of_party ON zones (party_id, id);

CREATE TABLE IF NOT EXISTS zone_versions (
    zone_id TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (zone_id, version)
);

-- The current state; the plan of each version lives once, in operation_versions.
CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY,
    party_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS operations_of_party ON operations (party_id, id);

CREATE TABLE IF NOT EXISTS operation_versions (
    operation_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    ovn TEXT NOT NULL UNIQUE,
    created_us INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (operation_id, number)
);

CREATE TABLE IF NOT EXISTS conflicts (
    operation_id TEXT NOT NULL,
    operation_version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (operation_id, operation_version, position)
);

CREATE TABLE IF NOT EXISTS consultations (
    id TEXT PRIMARY KEY,
    operation_id TEXT NOT NULL,
    operation_version INTEGER NOT NULL,
    party_id TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consultations_of_operation
    ON consultations (operation_id, operation_version, id);
CREATE INDEX IF NOT EXISTS consultations_of_party ON consultations (party_id, id);

CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY,
    operation_id TEXT NOT NULL,
    operation_version INTEGER NOT NULL,
    party_id TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notices_of_operation ON notices (operation_id, operation_version, id);
CREATE INDEX IF NOT EXISTS notices_of_party ON notices (party_id, id);

CREATE TABLE IF NOT EXISTS warnings (
    id TEXT PRIMARY KEY,
    party_id TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS warnings_raised_by ON warnings (party_id, id);

CREATE TABLE IF NOT EXISTS warning_alerts (
    warning_id TEXT NOT NULL REFERENCES warnings (id) ON DELETE CASCADE,
    party_id TEXT NOT NULL,
    PRIMARY KEY (warning_id, party_id)
);
CREATE INDEX IF NOT EXISTS warning_alerts_of_party ON warning_alerts (party_id, warning_id);

-- The hash chain. Unique seq and prev_hash mean two writers that read the same head
-- cannot both append to it; the triggers keep the log append-only.
CREATE TABLE IF NOT EXISTS audit_entries (
    seq INTEGER PRIMARY KEY CHECK (seq >= 0),
    at_us INTEGER NOT NULL,
    kind TEXT NOT NULL,
    party_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE
);

CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Who may read each entry: the acting party and the parties it concerns.
CREATE TABLE IF NOT EXISTS audit_audience (
    party_id TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES audit_entries (seq),
    PRIMARY KEY (party_id, seq)
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    member_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    PRIMARY KEY (member_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_us);
