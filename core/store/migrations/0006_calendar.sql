-- Congress calendar: each unit's congress date per term, and the windows a term sets per level.

CREATE TABLE term_window (
    term_code  VARCHAR NOT NULL,
    level_code VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL,
    PRIMARY KEY (term_code, level_code)
);

-- The 2025-2030 round: chi bộ trực thuộc first, then grassroots, the new commune level after
-- 1 July 2025, provinces by 31 October 2025, the national congress 19-23 January 2026.
INSERT INTO term_window VALUES
    ('NK_2025_2030', 'CHI_BO', DATE '2025-01-01', DATE '2025-03-31'),
    ('NK_2025_2030', 'CO_SO',  DATE '2025-04-01', DATE '2025-06-30'),
    ('NK_2025_2030', 'XA',     DATE '2025-07-01', DATE '2025-08-31'),
    ('NK_2025_2030', 'HUYEN',  DATE '2025-07-01', DATE '2025-08-31'),
    ('NK_2025_2030', 'TINH',   DATE '2025-09-01', DATE '2025-10-31'),
    ('NK_2025_2030', 'TW',     DATE '2026-01-19', DATE '2026-01-23');

CREATE SEQUENCE congress_id_seq START 1;
CREATE TABLE congress (
    id         BIGINT PRIMARY KEY DEFAULT nextval('congress_id_seq'),
    term_code  VARCHAR NOT NULL,
    unit_id    BIGINT NOT NULL,
    held_on    DATE,
    start_time TIME,
    venue      VARCHAR,
    pilot      BOOLEAN NOT NULL DEFAULT FALSE,
    reason     VARCHAR,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT,
    UNIQUE (term_code, unit_id)
);
