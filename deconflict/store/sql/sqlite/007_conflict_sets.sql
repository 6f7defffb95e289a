-- An operation version's conflicts are written together and read together, so they are
-- kept in one row: a JSON array in the order they were found, and its length. One row a
-- conflict meant, at a busy spot, ~100 rows and ~100 index entries written inside the
-- writer's turn for each submission, and a receipt counted them one by one.
CREATE TABLE conflict_sets (
    operation_id TEXT NOT NULL,
    operation_version INTEGER NOT NULL,
    conflict_count INTEGER NOT NULL CHECK (conflict_count > 0),
    documents TEXT NOT NULL,
    PRIMARY KEY (operation_id, operation_version)
);

-- A window whose frame is the whole partition, ordered by position, concatenates in that
-- order (a plain group_concat promises no order in this SQLite).
INSERT INTO conflict_sets (operation_id, operation_version, conflict_count, documents)
SELECT operation_id, operation_version, conflict_count, '[' || documents || ']'
FROM (
    SELECT
        operation_id,
        operation_version,
        count(*) OVER whole AS conflict_count,
        group_concat(document, ',') OVER whole AS documents,
        row_number() OVER whole AS n
    FROM conflicts
    WINDOW whole AS (
        PARTITION BY operation_id, operation_version ORDER BY position
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
)
WHERE n = 1;

DROP TABLE conflicts;
