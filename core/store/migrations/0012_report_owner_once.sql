-- The unit that owns a report is stored once, in `work_item.unit_id`.
--
-- `report.unit_id` repeated it, and a merge that moved the work item left the copy behind:
-- the surviving unit then held a report it could neither see nor edit. One report per unit,
-- type and term is now a constraint of the database instead of a check serialised on one
-- shared row: `work_item.dedupe_key` holds the natural key of the item's kind (for a report,
-- `report_key(template, term)`), written once at creation, and a unique index covers
-- (kind, unit_id, dedupe_key). Kinds without a natural key leave it NULL, which never clashes.
--
-- DuckDB refuses to build an index in a transaction that already updated the table, so the
-- index comes first and the rows are filled in after it.

CREATE MACRO report_key(template_code, term_code) AS template_code || '|' || term_code;

ALTER TABLE work_item ADD COLUMN dedupe_key VARCHAR;
CREATE UNIQUE INDEX work_item_natural_key ON work_item (kind, unit_id, dedupe_key);

-- A report split by an earlier merge (work item moved, report row left behind) belongs to the
-- unit its work item names, unless that unit already holds the same type and term: then it
-- goes back to the unit that made it, so no two reports compete for one place.
UPDATE work_item i SET unit_id = r.unit_id
FROM report r
WHERE r.id = i.id AND i.unit_id <> r.unit_id
  AND EXISTS (
      SELECT 1 FROM report r2 JOIN work_item i2 ON i2.id = r2.id
      WHERE i2.unit_id = i.unit_id AND r2.id <> r.id
        AND r2.template_code = r.template_code AND r2.term_code = r.term_code
  );

UPDATE work_item i SET dedupe_key = report_key(r.template_code, r.term_code)
FROM report r
WHERE r.id = i.id;

ALTER TABLE report DROP COLUMN unit_id;
