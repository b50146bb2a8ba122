-- Accent-insensitive matching for Vietnamese: strip_accents leaves đ/Đ alone, fold maps it to d.
CREATE MACRO fold(s) AS replace(strip_accents(lower(s)), 'đ', 'd');
