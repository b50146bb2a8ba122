-- An integer key per cell position (tab, row, column), stored with each value.
--
-- The lookup aggregate sums millions of cells by position; grouping on three text columns
-- cost about three times the bare sum at national scale, grouping on one integer about 1.5x.
-- The key is the low 64 bits of the MD5 of the three names: a standard function, so the same
-- names give the same key in every DuckDB version, and a collision among the few thousand
-- positions of the templates is practically impossible.

CREATE MACRO cell_key(tab, row_key, col_key) AS
    md5_number_lower(tab || chr(31) || row_key || chr(31) || col_key);

ALTER TABLE report_cell ADD COLUMN cell_key UBIGINT;
UPDATE report_cell SET cell_key = cell_key(tab, row_key, col_key);
