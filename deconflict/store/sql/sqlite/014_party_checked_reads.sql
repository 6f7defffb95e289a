-- A read on behalf of a party finds another party's record exactly as it finds an unknown
-- id: nowhere, by the same index probes, before any row is read (docs/api.md, need to
-- know). Each by-party index is (party_id, id), unique since id is; declared so, SQLite
-- probes it for `id = ? AND party_id = ?` instead of reading the row by id and refusing.
DROP INDEX IF EXISTS zones_of_party;
CREATE UNIQUE INDEX zones_of_party ON zones (party_id, id);
DROP INDEX IF EXISTS operations_of_party;
CREATE UNIQUE INDEX operations_of_party ON operations (party_id, id);
DROP INDEX IF EXISTS consultations_of_party;
CREATE UNIQUE INDEX consultations_of_party ON consultations (party_id, id);
DROP INDEX IF EXISTS warnings_raised_by;
CREATE UNIQUE INDEX warnings_raised_by ON warnings (party_id, id);
DROP INDEX IF EXISTS subscriptions_of_party;
CREATE UNIQUE INDEX subscriptions_of_party ON subscriptions (party_id, id);
DROP INDEX IF EXISTS webhooks_of_party;
CREATE UNIQUE INDEX webhooks_of_party ON webhooks (party_id, id);
DROP INDEX IF EXISTS members_of_party;
CREATE UNIQUE INDEX members_of_party ON members (party_id, id);
-- Whether a party was told of an operation, by one probe each, whatever it was told of.
CREATE INDEX IF NOT EXISTS consultations_told ON consultations (party_id, operation_id);
CREATE INDEX IF NOT EXISTS notices_told ON notices (party_id, operation_id);
-- A delivery is replayed through its webhook: found by both, in one probe.
CREATE UNIQUE INDEX IF NOT EXISTS webhook_deliveries_to_webhook
    ON webhook_deliveries (webhook_id, id);
