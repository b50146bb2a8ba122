-- Report template versions (issue #10, item 12).
--
-- A report keeps the layout it was created with: re-importing a type used to overwrite the one
-- template row, so every approved report of that type was read, validated and exported with
-- the new layout. Each distinct body of a type is now a numbered version; a report records its
-- version, and `report_template` keeps only the type's header (its newest name, term, levels).
-- `origin` tells a version synced from data/templates ('shipped') from one an admin imported
-- ('import'), so that start-up never puts a shipped file back over a newer import.

CREATE TABLE report_template_version (
    code       VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    body       VARCHAR NOT NULL,
    source     VARCHAR,
    origin     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (code, version)
);

-- Existing bodies become version 1; one an admin imported (the audit log says so) stays an import.
INSERT INTO report_template_version
SELECT t.code, 1, t.body, t.source,
       CASE WHEN EXISTS (
           SELECT 1 FROM audit_log a
           WHERE a.entity = 'report_template' AND a.action = 'import'
             AND strpos(a.detail, '"code": "' || t.code || '"') > 0
       ) THEN 'import' ELSE 'shipped' END,
       t.updated_at
FROM report_template t;

ALTER TABLE report_template DROP COLUMN body;
ALTER TABLE report_template DROP COLUMN source;

ALTER TABLE report ADD COLUMN template_version INTEGER DEFAULT 1;
