-- The records of the coordination loop: one JSON document per record, beside the columns
-- its lookups need. Times are bigint microseconds since the Unix epoch.
-- Ids and keys collate as "C" (byte order), so pages come in the order SQLite and Python
-- sort them, whatever the database's default collation.
-- Party ids are not foreign keys: the audit log names the service itself as party "",
-- and records stay readable after a party is gone.

CREATE TABLE parties (
    id text COLLATE "C" PRIMARY KEY,
    name text NOT NULL UNIQUE,
    is_authority integer NOT NULL,
    created_us bigint NOT NULL,
    document text NOT NULL
);
CREATE INDEX parties_authorities ON parties (is_authority, id);

CREATE TABLE members (
    id text COLLATE "C" PRIMARY KEY,
    party_id text COLLATE "C" NOT NULL,
    api_key_sha256 text NOT NULL UNIQUE,
    created_us bigint NOT NULL,
    revoked_us bigint,
    document text NOT NULL
);
CREATE INDEX members_of_party ON members (party_id, id);

-- One row per unordered pair: the lower party id first.
CREATE TABLE agreements (
    party_lo text COLLATE "C" NOT NULL,
    party_hi text COLLATE "C" NOT NULL,
    updated_us bigint NOT NULL,
    document text NOT NULL,
    PRIMARY KEY (party_lo, party_hi),
    CHECK (party_lo < party_hi)
);
CREATE INDEX agreements_by_hi ON agreements (party_hi, party_lo);

CREATE TABLE zones (
    id text COLLATE "C" PRIMARY KEY,
    party_id text COLLATE "C" NOT NULL,
    version integer NOT NULL,
    document text NOT NULL
);
CREATE INDEX zones_of_party ON zones (party_id, id);

CREATE TABLE zone_versions (
    zone_id text COLLATE "C" NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    version integer NOT NULL,
    document text NOT NULL,
    PRIMARY KEY (zone_id, version)
);

-- The current state; the plan of each version lives once, in operation_versions.
CREATE TABLE operations (
    id text COLLATE "C" PRIMARY KEY,
    party_id text COLLATE "C" NOT NULL,
    version integer NOT NULL,
    document text NOT NULL
);
CREATE INDEX operations_of_party ON operations (party_id, id);

CREATE TABLE operation_versions (
    operation_id text COLLATE "C" NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    number integer NOT NULL,
    ovn text NOT NULL UNIQUE,
    created_us bigint NOT NULL,
    document text NOT NULL,
    PRIMARY KEY (operation_id, number)
);

CREATE TABLE conflicts (
    operation_id text COLLATE "C" NOT NULL,
    operation_version integer NOT NULL,
    position integer NOT NULL,
    document text NOT NULL,
    PRIMARY KEY (operation_id, operation_version, position)
);

CREATE TABLE consultations (
    id text COLLATE "C" PRIMARY KEY,
    operation_id text COLLATE "C" NOT NULL,
    operation_version integer NOT NULL,
    party_id text COLLATE "C" NOT NULL,
    document text NOT NULL
);
CREATE INDEX consultations_of_operation ON consultations (operation_id, operation_version, id);
CREATE INDEX consultations_of_party ON consultations (party_id, id);

CREATE TABLE notices (
    id text COLLATE "C" PRIMARY KEY,
    operation_id text COLLATE "C" NOT NULL,
    operation_version integer NOT NULL,
    party_id text COLLATE "C" NOT NULL,
    document text NOT NULL
);
CREATE INDEX notices_of_operation ON notices (operation_id, operation_version, id);
CREATE INDEX notices_of_party ON notices (party_id, id);

CREATE TABLE warnings (
    id text COLLATE "C" PRIMARY KEY,
    party_id text COLLATE "C" NOT NULL,
    document text NOT NULL
);
CREATE INDEX warnings_raised_by ON warnings (party_id, id);

CREATE TABLE warning_alerts (
    warning_id text COLLATE "C" NOT NULL REFERENCES warnings (id) ON DELETE CASCADE,
    party_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (warning_id, party_id)
);
CREATE INDEX warning_alerts_of_party ON warning_alerts (party_id, warning_id);

-- The hash chain. Unique seq and prev_hash mean two writers that read the same head
-- cannot both append to it; the trigger keeps the log append-only.
CREATE TABLE audit_entries (
    seq bigint PRIMARY KEY CHECK (seq >= 0),
    at_us bigint NOT NULL,
    kind text NOT NULL,
    party_id text COLLATE "C" NOT NULL,
    actor text NOT NULL,
    subject text NOT NULL,
    data text NOT NULL,
    prev_hash text NOT NULL UNIQUE,
    hash text NOT NULL UNIQUE
);

CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();

-- Who may read each entry: the acting party and the parties it concerns.
CREATE TABLE audit_audience (
    party_id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL REFERENCES audit_entries (seq),
    PRIMARY KEY (party_id, seq)
);

CREATE TABLE idempotency_keys (
    member_id text COLLATE "C" NOT NULL,
    idempotency_key text COLLATE "C" NOT NULL,
    request_sha256 text NOT NULL,
    status integer NOT NULL,
    body text NOT NULL,
    created_us bigint NOT NULL,
    PRIMARY KEY (member_id, idempotency_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_us);
