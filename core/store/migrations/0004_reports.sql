-- Congress reports: terms, templates (as data), reports (workflow items) and their cells.

CREATE TABLE term (
    code       VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO term VALUES
    ('NK_2025_2030', 'Đại hội nhiệm kỳ 2025 - 2030', DATE '2025-01-01', DATE '2030-12-31', TRUE);

CREATE TABLE report_template (
    code       VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    term_code  VARCHAR NOT NULL,
    levels     VARCHAR[] NOT NULL,
    body       VARCHAR NOT NULL,
    source     VARCHAR,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE report (
    id                   BIGINT PRIMARY KEY,
    template_code        VARCHAR NOT NULL,
    term_code            VARCHAR NOT NULL,
    unit_id              BIGINT NOT NULL,
    report_date          DATE NOT NULL,
    creator_name         VARCHAR NOT NULL,
    organizer            VARCHAR NOT NULL,
    provincial_organizer VARCHAR,
    saved_tabs           VARCHAR[] NOT NULL DEFAULT [],
    sent_at              TIMESTAMP,
    approved_at          TIMESTAMP,
    last_reason          VARCHAR
);

CREATE TABLE report_cell (
    report_id BIGINT NOT NULL,
    tab       VARCHAR NOT NULL,
    row_key   VARCHAR NOT NULL,
    col_key   VARCHAR NOT NULL,
    num       DOUBLE,
    txt       VARCHAR
);

INSERT INTO role_function VALUES ('QUAN_TRI', 'TEMPLATE_MANAGE');
