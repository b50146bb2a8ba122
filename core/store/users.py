"""SQL for accounts, roles and the login counters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from core.model import User

if TYPE_CHECKING:
    from core.store.db import Db

_COLS = (
    "id, cccd, full_name, unit_id, account_type, position, role_code, active, version, "
    "must_change_password"
)


def _user(row: dict[str, Any] | None) -> User | None:
    return User(**row) if row else None


class UserRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def get(self, user_id: int) -> User | None:
        return _user(self.db.one(f"SELECT {_COLS} FROM app_user WHERE id = ?", [user_id]))

    def active_by_cccd(self, cccd: str) -> User | None:
        return _user(self.db.one(f"SELECT {_COLS} FROM app_user WHERE cccd = ? AND active", [cccd]))

    def login_row(self, cccd: str) -> dict[str, Any] | None:
        return self.db.one(
            "SELECT u.id, u.full_name, u.password_hash, un.active AS unit_active "
            "FROM app_user u JOIN unit un ON un.id = u.unit_id WHERE u.cccd = ? AND u.active",
            [cccd],
        )

    def insert(
        self, fields: dict[str, Any], password_hash: str, now: Any, must_change_password: bool
    ) -> int:
        new_id = self.db.scalar("SELECT nextval('user_id_seq')")
        self.db.execute(
            "INSERT INTO app_user (id, cccd, full_name, unit_id, account_type, position,"
            " role_code, password_hash, must_change_password, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                new_id,
                fields["cccd"],
                fields["full_name"],
                fields["unit_id"],
                fields["account_type"],
                fields["position"],
                fields["role_code"],
                password_hash,
                must_change_password,
                now,
                now,
            ],
        )
        return new_id

    def update(self, user_id: int, fields: dict[str, Any], expected_version: int, now: Any) -> bool:
        sets = "".join(f"{k} = ?, " for k in fields)
        done = self.db.execute(
            f"UPDATE app_user SET {sets}version = version + 1, updated_at = ? "
            "WHERE id = ? AND version = ?",
            [*fields.values(), now, user_id, expected_version],
        )[0]
        return bool(done and done[0])

    # -- sign-in throttle: counters change on every attempt, never the editing version ------
    def throttle_rows(self, user_id: int, clients: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.db.rows(
            "SELECT client, window_start, failures, pending, locked_until FROM login_throttle "
            "WHERE user_id = ? AND client IN (SELECT unnest(?))",
            [user_id, clients],
        )
        return {r.pop("client"): r for r in rows}

    def put_throttle(self, user_id: int, client: str, row: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO login_throttle (user_id, client, window_start, failures, pending, "
            " locked_until) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, client) DO UPDATE "
            "SET window_start = excluded.window_start, failures = excluded.failures, "
            " pending = excluded.pending, locked_until = excluded.locked_until",
            [
                user_id,
                client,
                row["window_start"],
                row["failures"],
                row["pending"],
                row["locked_until"],
            ],
        )

    def clear_throttle(self, user_id: int) -> int:
        """Forget every counter and lock of the account; the number of locks lifted."""
        locked = self.db.scalar(
            "SELECT count(*) FROM login_throttle WHERE user_id = ? AND locked_until IS NOT NULL",
            [user_id],
        )
        self.db.execute("DELETE FROM login_throttle WHERE user_id = ?", [user_id])
        return locked

    # -- sign-in sessions ----------------------------------------------------------------------
    def insert_session(self, token_hash: str, user_id: int, now: Any, expires_at: Any) -> None:
        self.db.execute(
            "INSERT INTO login_session (token_hash, user_id, started_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            [token_hash, user_id, now, expires_at],
        )

    def session_user(self, token_hash: str, now: Any) -> int | None:
        return self.db.scalar(
            "SELECT user_id FROM login_session "
            "WHERE token_hash = ? AND ended_at IS NULL AND expires_at > ?",
            [token_hash, now],
        )

    def end_session(self, token_hash: str, now: Any) -> None:
        self.db.execute(
            "UPDATE login_session SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            [now, token_hash],
        )

    def password_hash(self, user_id: int) -> str | None:
        return self.db.scalar("SELECT password_hash FROM app_user WHERE id = ?", [user_id])

    def move_active(self, from_unit_ids: list[int], to_unit_id: int, now: Any) -> list[int]:
        moved = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM app_user WHERE active AND unit_id IN (SELECT unnest(?))",
                [from_unit_ids],
            )
        ]
        if moved:
            self.db.execute(
                "UPDATE app_user SET unit_id = ?, version = version + 1, updated_at = ? "
                "WHERE id IN (SELECT unnest(?))",
                [to_unit_id, now, moved],
            )
        return moved

    def functions_of_role(self, role_code: str) -> frozenset[str]:
        return frozenset(
            r[0]
            for r in self.db.execute(
                "SELECT rf.function_code FROM role_function rf "
                "JOIN role r ON r.code = rf.role_code WHERE rf.role_code = ? AND r.active",
                [role_code],
            )
        )

    def roles(self) -> list[dict[str, Any]]:
        return self.db.rows(
            "SELECT r.code, r.name, r.description, "
            " list(rf.function_code ORDER BY rf.function_code) FILTER "
            "  (WHERE rf.function_code IS NOT NULL) AS functions "
            "FROM role r LEFT JOIN role_function rf ON rf.role_code = r.code "
            "WHERE r.active GROUP BY ALL ORDER BY r.name"
        )

    def role(self, code: str) -> dict[str, Any] | None:
        return self.db.one(
            "SELECT code, name, description FROM role WHERE code = ? AND active", [code]
        )

    def upsert_role(self, code: str, name: str, description: str, functions: list[str]) -> None:
        self.db.execute(
            "INSERT INTO role (code, name, description) VALUES (?, ?, ?) ON CONFLICT (code) "
            "DO UPDATE SET name = excluded.name, description = excluded.description, "
            "active = TRUE",
            [code, name, description],
        )
        self.db.execute("DELETE FROM role_function WHERE role_code = ?", [code])
        if functions:
            self.db.execute("INSERT INTO role_function SELECT ?, unnest(?)", [code, functions])

    _FILTER = (
        " FROM app_user u JOIN unit un ON un.id = u.unit_id JOIN role r ON r.code = u.role_code"
        " WHERE starts_with(un.path, ?) AND u.active"
        " AND (? = '' OR starts_with(u.cccd, ?))"
        " AND (? = '' OR contains(fold(u.full_name), fold(?)))"
        " AND (? IS NULL OR u.unit_id = ?)"
        " AND (? = '' OR u.role_code = ?)"
    )

    def search(
        self,
        scope_path: str,
        cccd: str,
        name: str,
        unit_id: int | None,
        role_code: str,
        limit: int,
        offset: int,
    ) -> tuple[pl.DataFrame, int]:
        params = [
            scope_path,
            cccd,
            cccd,
            name,
            name,
            unit_id,
            unit_id,
            role_code,
            role_code,
        ]
        total = self.db.scalar("SELECT count(*)" + self._FILTER, params)
        page = self.db.frame(
            "SELECT u.id, u.cccd, u.full_name, un.name AS unit_name, u.account_type, "
            " u.position, r.name AS role_name"
            + self._FILTER
            + " ORDER BY un.depth, un.name, u.full_name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return page, total
