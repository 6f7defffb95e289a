-- Whether a party was told of an operation, by one probe each, whatever it was told of: a
-- read on behalf of a party finds another party's operation it was never told of exactly
-- as it finds an unknown id (docs/api.md, need to know). The by-party reads of the other
-- records probe the (party_id, id) indexes they have (the planner picks them over the
-- primary key), so they need nothing new.
CREATE INDEX consultations_told ON consultations (party_id, operation_id);
CREATE INDEX notices_told ON notices (party_id, operation_id);
-- A delivery is replayed through its webhook: found by both, in one probe.
CREATE UNIQUE INDEX webhook_deliveries_to_webhook ON webhook_deliveries (webhook_id, id);
