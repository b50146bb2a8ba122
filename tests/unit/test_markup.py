"""User text escaped for markdown and for HTML renders exactly as typed and carries no markup."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from core.markup import html_text, markdown_literal

HOSTILE_NAME = "Đảng bộ <img src=x onerror=alert(1)>"
HOSTILE_REASON = "[bấm đây](http://evil.example) ![x](http://evil.example/a.png)"


def unescape_markdown(text: str) -> str:
    """What CommonMark shows for text made only of escapes, plain characters and hard breaks."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.replace("  \n", "\n"))


def unescaped_punctuation(text: str) -> list[str]:
    """Punctuation characters not preceded by a backslash: the ones markdown could act on."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in string.punctuation:
            i += 2
            continue
        if text[i] in string.punctuation:
            found.append(text[i])
        i += 1
    return found


def test_a_markdown_link_and_image_become_literal_characters() -> None:
    shown = markdown_literal(HOSTILE_REASON)
    assert unescaped_punctuation(shown) == []
    assert "](" not in shown.replace("\\]\\(", "")
    assert unescape_markdown(shown) == HOSTILE_REASON


def test_autolinks_emoji_colours_and_formulas_are_escaped() -> None:
    shown = markdown_literal("www.evil.example http://x.y :red[đỏ] :smile: $x^2$ **đậm** # tiêu đề")
    assert "http\\:" in shown and "www\\." in shown
    assert "\\:red\\[" in shown and "\\$x" in shown and "\\*\\*" in shown and "\\#" in shown


def test_line_breaks_become_hard_breaks_so_no_block_starts_on_a_later_line() -> None:
    assert markdown_literal("Dòng một\n# Dòng hai\n- ba") == "Dòng một  \n\\# Dòng hai  \n\\- ba"


def test_vietnamese_letters_are_left_alone() -> None:
    assert markdown_literal("Đảng bộ Phường Ba Đình") == "Đảng bộ Phường Ba Đình"


@given(st.text())
def test_markdown_literal_always_shows_what_was_typed(text: str) -> None:
    shown = markdown_literal(text)
    assert unescaped_punctuation(shown) == []
    assert unescape_markdown(shown) == "\n".join(text.splitlines())


def test_html_text_leaves_no_tag_in_a_hostile_name() -> None:
    shown = html_text(HOSTILE_NAME)
    assert "<" not in shown and ">" not in shown
    assert shown == "Đảng bộ &lt;img src=x onerror=alert(1)&gt;"


def test_html_text_escapes_ampersands_first_so_entities_stay_literal() -> None:
    assert html_text("A &lt; B & C") == "A &amp;lt; B &amp; C"


def test_html_text_keeps_quotes_which_plotly_would_not_decode() -> None:
    assert html_text('Chi bộ "Số 1" l\'été') == 'Chi bộ "Số 1" l\'été'


def test_html_text_turns_line_breaks_into_br_so_no_blank_line_ends_an_html_block() -> None:
    assert html_text("Dòng một\n\n[x](http://evil.example)") == (
        "Dòng một<br><br>[x](http://evil.example)"
    )


@given(st.text(alphabet=string.printable + "ĐảạốỗƯ"))
def test_html_text_never_lets_a_tag_or_a_line_break_through(text: str) -> None:
    shown = html_text(text)
    tags = shown.replace("<br>", "")
    assert "<" not in tags and ">" not in tags and "\n" not in shown and "\r" not in shown
    plain = tags.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert plain == "".join(text.splitlines())
