"""Demo and benchmark data, generated inside DuckDB with SQL from the CSVs in `data/seed/`.

The same statements build the small demo (three provinces with real ward and commune names)
and the national-scale set (about 55,000 units): the scale only changes how many generated
communes each province gets and how many grassroots organisations each commune gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from core.store.db import Db

SEED_DIR = PROJECT_ROOT / "data" / "seed"
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Scale:
    name: str
    communes_per_province: int
    grassroots_per_commune: int


SCALES = {
    "S": Scale("S", 4, 8),
    "M": Scale("M", 20, 10),
    "L": Scale("L", 97, 12),
}
DETAILED_PROVINCES = ("01", "79", "48")


def _csv(name: str) -> str:
    path = Path(SEED_DIR / name)
    return f"read_csv('{path.as_posix()}', header=true, all_varchar=true)"


def _stage(db: Db, scale: Scale) -> None:
    """Fill the temporary table `seed_unit` with every unit, parents referenced by code."""
    db.execute("""
        CREATE OR REPLACE TEMP TABLE seed_unit (
            code VARCHAR, parent_code VARCHAR, name VARCHAR, level_code VARCHAR,
            type_code VARCHAR, province VARCHAR, commune VARCHAR, address VARCHAR, lvl INTEGER)
    """)
    db.execute("""
        INSERT INTO seed_unit VALUES ('TW', NULL, 'Ban Chấp hành Trung ương Đảng', 'TW',
            'DANG_MTTQ', NULL, NULL, 'Số 1A Hùng Vương, Phường Ba Đình, Thành phố Hà Nội', 0)
    """)
    db.execute("""
        INSERT INTO seed_unit
        SELECT code || '000000', 'TW', 'Đảng bộ ' || name, 'TINH', 'DIA_BAN', name, NULL,
               'Trụ sở ' || CASE WHEN name LIKE 'Thành phố%' THEN 'Thành ủy' ELSE 'Tỉnh ủy' END
               || ', ' || name, 1
        FROM province
    """)
    db.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE seed_commune AS
        WITH listed AS (
            SELECT province_code, kind, name,
                   row_number() OVER (PARTITION BY province_code) AS seq
            FROM {_csv("communes.csv")}
            WHERE province_code IN (SELECT unnest(?))
        ), counts AS (
            SELECT p.code AS province_code, count(l.name) AS listed FROM province p
            LEFT JOIN listed l ON l.province_code = p.code GROUP BY p.code
        ), stems AS (
            SELECT stem, row_number() OVER () AS k, count(*) OVER () AS n
            FROM {_csv("commune_stems.csv")}
        ), generated AS (
            SELECT c.province_code, CASE WHEN g.i % 5 = 0 THEN 'Phường' ELSE 'Xã' END AS kind,
                   s.stem || CASE WHEN g.i >= s.n THEN ' ' || (g.i // s.n + 1) ELSE '' END
                       AS name,
                   c.listed + g.i + 1 AS seq
            FROM counts c
            CROSS JOIN range(?) g(i)
            JOIN stems s ON s.k = (g.i + hash(c.province_code)) % s.n + 1
            WHERE c.listed + g.i < ?
        )
        SELECT * FROM listed UNION ALL SELECT * FROM generated
    """,
        [list(DETAILED_PROVINCES), scale.communes_per_province, scale.communes_per_province],
    )
    db.execute("""
        INSERT INTO seed_unit
        SELECT c.province_code || lpad(c.seq::VARCHAR, 3, '0') || '000',
               c.province_code || '000000', 'Đảng bộ ' || c.kind || ' ' || c.name, 'XA',
               'DIA_BAN', p.name, c.kind || ' ' || c.name,
               'Trụ sở Đảng ủy ' || c.kind || ' ' || c.name || ', ' || p.name, 2
        FROM seed_commune c JOIN province p ON p.code = c.province_code
    """)
    db.execute(
        f"""
        INSERT INTO seed_unit
        WITH t AS (
            SELECT template, type_code, is_committee = 'true' AS committee,
                   row_number() OVER () AS k FROM {_csv("grassroots.csv")}
        )
        SELECT c.province_code || lpad(c.seq::VARCHAR, 3, '0') || lpad(t.k::VARCHAR, 3, '0'),
               c.province_code || lpad(c.seq::VARCHAR, 3, '0') || '000',
               replace(replace(replace(replace(replace(replace(t.template,
                   '{{area}}', CASE c.kind WHEN 'Phường' THEN 'Tổ dân phố'
                                           WHEN 'Xã' THEN 'Thôn' ELSE 'Khu dân cư' END),
                   '{{n}}', '1'), '{{m}}', '2'), '{{k}}', '3'),
                   '{{kind}}', lower(c.kind)), '{{name}}', c.name),
               'CO_SO', t.type_code, p.name, c.kind || ' ' || c.name,
               c.kind || ' ' || c.name || ', ' || p.name, 3
        FROM seed_commune c JOIN province p ON p.code = c.province_code
        JOIN t ON t.k <= ?
    """,
        [scale.grassroots_per_commune],
    )
    db.execute("""
        INSERT INTO seed_unit
        SELECT s.code || lpad(b.j::VARCHAR, 2, '0'), s.code,
               'Chi bộ ' || CASE s.type_code WHEN 'CONG_AN' THEN
                   (['Đội An ninh - Trật tự', 'Đội Cảnh sát khu vực'])[b.j]
                   ELSE (['Văn phòng HĐND - UBND', 'Phòng Kinh tế'])[b.j] END,
               'CHI_BO', s.type_code, s.province, s.commune, s.address, 4
        FROM seed_unit s CROSS JOIN range(1, 3) b(j)
        WHERE s.lvl = 3 AND s.name LIKE 'Đảng bộ %'
    """)
    db.execute(
        """
        INSERT INTO seed_unit
        SELECT p.code || '900000', p.code || '000000',
               'Đảng bộ các cơ quan Đảng ' || p.name, 'HUYEN', 'DANG_MTTQ', p.name, NULL,
               'Trụ sở Thành ủy, ' || p.name, 2
        FROM province p WHERE p.code IN (SELECT unnest(?))
    """,
        [list(DETAILED_PROVINCES)],
    )
    db.execute(
        """
        INSERT INTO seed_unit
        SELECT p.code || '9000' || lpad(b.j::VARCHAR, 2, '0'), p.code || '900000',
               (['Chi bộ Văn phòng Thành ủy', 'Chi bộ Ban Tổ chức Thành ủy',
                 'Chi bộ Ban Tuyên giáo và Dân vận Thành ủy'])[b.j],
               'CO_SO', 'DANG_MTTQ', p.name, NULL, 'Trụ sở Thành ủy, ' || p.name, 3
        FROM province p CROSS JOIN range(1, 4) b(j) WHERE p.code IN (SELECT unnest(?))
    """,
        [list(DETAILED_PROVINCES)],
    )


def seed_units(db: Db, scale: Scale, now: object, progress: Progress) -> int:
    """Insert the staged tree top-down, one statement per level, and compute the paths."""
    _stage(db, scale)
    for lvl in range(5):
        progress(0.1 + 0.15 * lvl, f"Đang tạo đơn vị cấp {lvl + 1}/5…")
        db.execute(
            """
            INSERT INTO unit (id, code, name, level_code, type_code, province, commune, address,
                              parent_id, path, depth, created_at, updated_at)
            SELECT nextval('unit_id_seq'), s.code, s.name, s.level_code, s.type_code,
                   s.province, s.commune, s.address, p.id, '', s.lvl, ?, ?
            FROM seed_unit s LEFT JOIN unit p ON p.code = s.parent_code
            WHERE s.lvl = ? ORDER BY s.code
        """,
            [now, now, lvl],
        )
        db.execute("""
            UPDATE unit SET path = coalesce(p.path, '/') || unit.id || '/'
            FROM (SELECT u.id, par.path FROM unit u LEFT JOIN unit par ON par.id = u.parent_id
                  WHERE u.path = '') AS p
            WHERE unit.id = p.id
        """)
    return db.scalar("SELECT count(*) FROM unit")


def seed_people(db: Db, password_hash: str, now: object) -> int:
    """One Admin and one User for every commune of the detailed provinces, with plausible
    Vietnamese names and CCCD numbers."""
    db.execute(
        f"""
        INSERT INTO app_user (id, cccd, full_name, unit_id, account_type, position, role_code,
                              password_hash, created_at, updated_at)
        WITH people AS (SELECT part, value, row_number() OVER (PARTITION BY part) - 1 AS k,
                               count(*) OVER (PARTITION BY part) AS n
                        FROM {_csv("people.csv")}),
        slots AS (
            SELECT u.id AS unit_id, u.code, r.acc, row_number() OVER (ORDER BY u.code, r.acc) AS n,
                   hash(u.code || r.acc) AS h
            FROM unit u CROSS JOIN (VALUES ('ADMIN'), ('USER')) r(acc)
            WHERE u.level_code = 'XA' AND substr(u.code, 1, 2) IN (SELECT unnest(?))
        )
        SELECT nextval('user_id_seq'),
               '0' || substr(s.code, 1, 2) || (s.h % 2)::VARCHAR
                   || lpad((70 + s.h % 30)::VARCHAR, 2, '0')
                   || lpad((100000 + s.n)::VARCHAR, 6, '0'),
               ho.value || ' ' || dem.value || ' ' || ten.value,
               s.unit_id, s.acc,
               CASE s.acc WHEN 'ADMIN' THEN 'Chánh Văn phòng Đảng ủy' ELSE 'Chuyên viên' END,
               CASE s.acc WHEN 'ADMIN' THEN 'QUAN_TRI' ELSE 'QUAN_LY_BC' END, ?, ?, ?
        FROM slots s
        JOIN people ho ON ho.part = 'ho' AND ho.k = s.h % ho.n
        JOIN people dem ON dem.part = CASE s.h % 2 WHEN 0 THEN 'dem_nam' ELSE 'dem_nu' END
             AND dem.k = (s.h // 7) % dem.n
        JOIN people ten ON ten.part = CASE s.h % 2 WHEN 0 THEN 'ten_nam' ELSE 'ten_nu' END
             AND ten.k = (s.h // 13) % ten.n
    """,
        [list(DETAILED_PROVINCES), password_hash, now, now],
    )
    return db.scalar("SELECT count(*) FROM app_user")
