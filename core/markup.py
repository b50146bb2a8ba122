"""User text made inert before it meets markdown or HTML.

Every name, reason, venue or file name a user typed is data. Streamlit renders the text of
``st.markdown``, ``st.info``/``st.error``/…, captions, subheaders, toasts and widget labels as
markdown (links, images, emoji and colour directives, LaTeX); plotly renders a subset of HTML
in hover text and tick labels; folium's tooltips set ``innerHTML``. So a page never puts user
text there as it is: it passes it through one of these functions first.
"""

from __future__ import annotations

import string

# CommonMark lets a backslash escape any ASCII punctuation character, and an escaped character
# is always literal: it opens no link, image, emphasis, code span, directive or formula.
_PUNCTUATION = frozenset(string.punctuation)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_literal(text: object) -> str:
    """``text`` as markdown that renders exactly as typed.

    Every ASCII punctuation character gets a backslash, so ``[x](http://…)`` shows as those
    characters instead of a link, and ``http://…``/``www.…`` are no longer autolinked. Line
    breaks become markdown hard breaks, so a block structure (a heading, a list, a quote) cannot
    start on a later line either.
    """
    lines = str(text).splitlines() or [""]
    escaped = ["".join(f"\\{ch}" if ch in _PUNCTUATION else ch for ch in line) for line in lines]
    return "  \n".join(escaped)


def html_text(text: object) -> str:
    """``text`` as HTML text content (tooltips, plotly hover text and labels).

    Only ``&``, ``<`` and ``>`` are replaced: that is enough to make text inert between tags, and
    they are the entities plotly's own text renderer decodes (it would show ``&quot;`` as is).
    Line breaks become ``<br>``: a blank line would otherwise end an HTML block that markdown
    passes through, and what follows it would be read as markdown. Not for attribute values:
    quote those with :func:`html.escape`.
    """
    lines = str(text).splitlines() or [""]
    return "<br>".join("".join(_HTML.get(ch, ch) for ch in line) for line in lines)
