"""Cleaning of free text typed into forms, shared by every validator."""

from __future__ import annotations

import unicodedata

from core.errors import ValidationError


def clean(value: str | None, field: str, *, required: bool, max_len: int) -> str | None:
    """Trim, fold runs of spaces, normalise to NFC; refuse control characters and overlong text.

    NFC matters for Vietnamese: the same name typed on two keyboards otherwise compares unequal.
    """
    text = unicodedata.normalize("NFC", " ".join((value or "").split()))
    if not text:
        if required:
            raise ValidationError(field, "không được để trống")
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise ValidationError(field, "chứa ký tự không hợp lệ")
    if len(text) > max_len:
        raise ValidationError(field, f"không được dài quá {max_len} ký tự")
    return text


def search_text(value: str | None, max_len: int = 100) -> str:
    """What a search box looks for: the typed text made safe rather than refused.

    A search cannot be "invalid": characters no name can contain (controls, invisible marks,
    lone surrogates) are dropped, spaces folded, the text normalised to NFC and cut to
    ``max_len``, so a pasted oddity finds nothing instead of raising.
    """
    text = unicodedata.normalize(
        "NFC",
        "".join(
            ch
            for ch in (value or "")
            if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co") or ch.isspace()
        ),
    )
    return " ".join(text.split())[:max_len]
