-- The prefilter's boxes move onto their volume rows. A search then takes its candidates
-- straight from the GiST bitmap, where box rows had to be read, grouped by volume and
-- joined back through the primary key: at a million stored volumes a median search
-- touched 311 pages that way and touches 145 now (docs/postgres-index.md).
--
-- `box` covers the volume; a volume crossing the antimeridian needs a second box on the
-- other side, `box_2`, NULL for every other volume and so indexed only where present.
ALTER TABLE volumes ADD COLUMN box cube, ADD COLUMN box_2 cube;

WITH numbered AS (
    SELECT volume_id, box,
           row_number() OVER (PARTITION BY volume_id ORDER BY cube_ll_coord(box, 1) DESC) AS n
    FROM volume_boxes
)
UPDATE volumes v
SET box = first.box, box_2 = second.box
FROM numbered first
LEFT JOIN numbered second ON second.volume_id = first.volume_id AND second.n = 2
WHERE first.volume_id = v.id AND first.n = 1;

ALTER TABLE volumes ALTER COLUMN box SET NOT NULL;
CREATE INDEX volumes_box ON volumes USING gist (box);
CREATE INDEX volumes_box_2 ON volumes USING gist (box_2) WHERE box_2 IS NOT NULL;
DROP TABLE volume_boxes;
