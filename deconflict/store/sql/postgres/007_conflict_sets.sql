-- An operation version's conflicts are written together and read together, so they are
-- kept in one row: a JSON array in the order they were found, and its length. One row a
-- conflict meant, at a busy spot, ~100 rows and ~100 index entries written inside the
-- writer's turn for each submission, and a receipt counted them one by one.
CREATE TABLE conflict_sets (
    operation_id text COLLATE "C" NOT NULL,
    operation_version integer NOT NULL,
    conflict_count integer NOT NULL CHECK (conflict_count > 0),
    documents text NOT NULL,
    PRIMARY KEY (operation_id, operation_version)
);

INSERT INTO conflict_sets (operation_id, operation_version, conflict_count, documents)
SELECT
    operation_id,
    operation_version,
    count(*),
    '[' || string_agg(document, ',' ORDER BY position) || ']'
FROM conflicts
GROUP BY operation_id, operation_version;

DROP TABLE conflicts;
