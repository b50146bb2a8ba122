"""Command line for backing up and restoring the whole database.

    python -m core.backup export [--db PATH] [--to DIR]
    python -m core.backup restore SOURCE_DIR [--db PATH]

``--db`` defaults to the app's database (``DHD_DB_PATH``); ``--to`` defaults to the folder
``backups`` beside it. DuckDB lets one process hold a database file, so the app must be stopped
before an export: the command then says so and exits with code 2. Every refusal is printed as
one readable message with exit code 2, never as a traceback, because the person running it is an
operator, not a developer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import settings
from core.errors import DomainError
from core.store.backup import export_database, restore_database

REFUSED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.backup",
        description="Sao lưu toàn bộ cơ sở dữ liệu hoặc khôi phục từ một bản sao lưu.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="sao lưu vào một thư mục mới ghi ngày giờ")
    export.add_argument("--db", help="tệp cơ sở dữ liệu (mặc định: DHD_DB_PATH)")
    export.add_argument("--to", help="thư mục chứa các bản sao lưu (mặc định: backups/ cạnh tệp)")
    restore = commands.add_parser("restore", help="khôi phục vào một tệp cơ sở dữ liệu mới")
    restore.add_argument("source", metavar="SOURCE_DIR", help="thư mục bản sao lưu")
    restore.add_argument("--db", help="tệp cơ sở dữ liệu mới (mặc định: DHD_DB_PATH)")
    return parser


def _export(db: Path, to: str | None) -> str:
    folder = export_database(db, Path(to) if to else db.parent / "backups")
    return f"Đã sao lưu cơ sở dữ liệu {db} vào thư mục {folder}"


def _restore(source: str, db: Path) -> str:
    restored = restore_database(source, db)
    return (
        f"Đã khôi phục bản sao lưu {source} vào {restored}. "
        f"Chạy ứng dụng với DHD_DB_PATH={restored} để dùng cơ sở dữ liệu này."
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = Path(args.db or settings.DB_PATH.value())
    try:
        if args.command == "export":
            message = _export(db, args.to)
        else:
            message = _restore(args.source, db)
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return REFUSED
    except OSError as exc:
        print(f"Lỗi đọc hoặc ghi tệp: {exc}", file=sys.stderr)
        return REFUSED
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
