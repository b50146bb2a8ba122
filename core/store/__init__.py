"""The only package that speaks SQL. Core services receive a `Db` and call its repositories."""

from core.store.db import Db, Store

__all__ = ["Db", "Store"]
