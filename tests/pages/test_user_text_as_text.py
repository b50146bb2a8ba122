"""Every user text is data, never markup: a hostile unit name and a hostile rejection reason
show on the pages exactly as typed, and none of their links, images or tags becomes live.

The pages run on a demo database of their own, because the test renames a unit and rejects a
report, which the other page tests must not see.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from core import clock, reports, startup
from core.access import load_actor
from core.markup import markdown_literal
from core.store import Store
from tests.pages.conftest import (
    CENTRAL_ADMIN,
    COMMUNE_STAFF,
    HANOI_ADMIN,
    HANOI_STAFF,
    ROOT,
    open_page,
    user_id,
)

HOSTILE_NAME = "Đảng bộ <img src=x onerror=alert(1)>"
HOSTILE_REASON = "[bấm đây](http://evil.example) ![x](http://evil.example/a.png)"
BA_DINH = "01001000"
MARKDOWN_ELEMENTS = (
    "markdown", "caption", "title", "header", "subheader",
    "info", "warning", "error", "success", "toast",
)  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A demo database where Ba Đình bears a hostile name and one of its reports came back
    from Hà Nội with a hostile reason."""
    store = Store.open(tmp_path_factory.mktemp("hostile") / "demo.duckdb")
    db = store.db()
    startup.setup(db, "demo", lambda _f, _m: None, "S")
    unit = db.units.by_code(BA_DINH)
    db.units.update(unit.id, {"name": HOSTILE_NAME}, unit.version, clock.now())
    report_id = db.scalar(
        "SELECT r.id FROM report r JOIN work_item i ON i.id = r.id"
        " WHERE i.unit_id = ? AND i.state = 'PENDING' ORDER BY r.id LIMIT 1",
        [unit.id],
    )
    reviewer = load_actor(db, user_id(store, HANOI_STAFF))
    reports.transition(db, reviewer, report_id, "reject", HOSTILE_REASON)
    store.report_id = report_id  # type: ignore[attr-defined]
    yield store
    store.close()


@pytest.fixture
def app(world: Store, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    monkeypatch.setenv("DHD_DB_PATH", world.path)
    monkeypatch.setenv("DHD_MODE", "demo")

    def make(cccd: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["user_id"] = user_id(world, cccd)
        return at

    return make


def markdown_texts(at: AppTest) -> list[str]:
    """Every text the page hands to Streamlit's markdown renderer."""
    texts = [e.value for kind in MARKDOWN_ELEMENTS for e in getattr(at, kind)]
    texts += [b.label for b in at.button] + [m.label for m in at.metric]
    texts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    return texts


def chart_specs(at: AppTest) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


def assert_shown_as_text(at: AppTest, text: str) -> None:
    """The text appears escaped at least once and never raw where markdown would act on it."""
    assert not at.exception
    shown = markdown_texts(at)
    assert not [t for t in shown if text in t]
    assert any(markdown_literal(text) in t for t in shown)


def test_the_owner_reads_a_hostile_reason_as_typed_in_the_notice_and_the_banner(app, world):
    at = open_page(app(COMMUNE_STAFF), "pages/report_entry.py")
    assert_shown_as_text(at, HOSTILE_REASON)
    at = app(COMMUNE_STAFF)
    at.session_state["report_open"] = world.report_id
    at = open_page(at, "pages/report_entry.py")
    assert_shown_as_text(at, HOSTILE_REASON)
    assert any(markdown_literal(HOSTILE_REASON) in e.value for e in at.error)


def test_the_reviewer_reads_the_reason_and_the_unit_name_as_typed(app, world):
    at = app(HANOI_STAFF)
    at.session_state["approval_view"] = world.report_id
    at = open_page(at, "pages/report_approval.py")
    assert_shown_as_text(at, HOSTILE_REASON)
    assert_shown_as_text(at, HOSTILE_NAME)


def test_the_dashboard_shows_a_hostile_unit_name_as_text_in_captions_and_charts(app):
    at = open_page(app(HANOI_ADMIN), "pages/dashboard.py")
    assert not at.exception
    specs = chart_specs(at)
    assert specs and not [s for s in specs if "<img" in s]
    names = [
        n for s in specs for trace in json.loads(s)["data"] for n in trace.get("y") or []
    ]  # the ranked communes
    assert "Đảng bộ &lt;img src=x onerror=alert(1)&gt;" in names


def test_drilling_into_the_hostile_area_names_it_as_text(app, world):
    at = open_page(app(HANOI_ADMIN), "pages/dashboard.py")
    picker = next(s for s in at.selectbox if s.label == "Xem chi tiết địa bàn")
    at = picker.set_value(world.db().units.by_code(BA_DINH).id).run()
    assert_shown_as_text(at, HOSTILE_NAME)
    assert not [s for s in chart_specs(at) if "<img" in s]


def test_the_central_dashboard_drilled_into_hanoi_draws_no_tag(app, world):
    at = open_page(app(CENTRAL_ADMIN), "pages/dashboard.py")
    picker = next(s for s in at.selectbox if s.label == "Xem chi tiết địa bàn")
    at = picker.set_value(world.db().units.by_code("01000000").id).run()
    assert not at.exception
    assert not [s for s in chart_specs(at) if "<img" in s]


def test_the_units_page_shows_a_hostile_name_as_text_in_its_title_and_table(app, world):
    at = open_page(app(HANOI_ADMIN), "pages/units.py")
    at.text_input[0].input(BA_DINH).run()
    at = next(b for b in at.button if b.label.startswith("Đảng bộ")).click().run()
    assert_shown_as_text(at, HOSTILE_NAME)
    assert markdown_literal(HOSTILE_NAME) in [s.value for s in at.subheader]
