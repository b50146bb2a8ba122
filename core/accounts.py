"""Command line for account emergencies: lift the sign-in lock of an account.

    python -m core.accounts unlock CCCD [--db PATH]

It is the way back in for the account nobody above can unlock in the app (the root Admin).
``--db`` defaults to the app's database (``DHD_DB_PATH``). DuckDB lets one process hold the
file, so the app must be stopped first; the command then says so. Every refusal is one readable
message with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import lockout, settings
from core.errors import DomainError
from core.store import Store

REFUSED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.accounts", description="Xử lý tài khoản từ dòng lệnh."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    unlock = commands.add_parser("unlock", help="mở khoá đăng nhập của một tài khoản")
    unlock.add_argument("cccd", metavar="CCCD", help="số CCCD của tài khoản")
    unlock.add_argument("--db", help="tệp cơ sở dữ liệu (mặc định: DHD_DB_PATH)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = Path(args.db or settings.DB_PATH.value())
    if not path.is_file():
        print(f"Không tìm thấy tệp cơ sở dữ liệu {path}", file=sys.stderr)
        return REFUSED
    try:
        store = Store.open(path)
        try:
            lifted = lockout.unlock_from_console(store.db(), args.cccd)
        finally:
            store.close()
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return REFUSED
    state = "đã mở khoá" if lifted else "không bị khoá; đã xoá bộ đếm đăng nhập sai"
    print(f"Tài khoản CCCD {args.cccd.strip()}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
