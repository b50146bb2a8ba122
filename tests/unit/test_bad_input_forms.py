"""Bad input in the unit, account and role forms (quality.md, "Bad input"): the unit, user and role
forms store what they accept in its folded form or refuse naming the field and saving nothing
(`attempt` in tests/strategies.py), and an accepted CCCD is exactly its twelve digits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import cccd, functions, hierarchy, users
from core.errors import DomainError, ValidationError
from core.model import ADMIN, USER, Actor, UnitDraft, User, UserDraft
from core.store import Db
from tests.factories import Tree, actor_at, make_admin_actor, make_user, new_cccd, unit_draft
from tests.strategies import (
    ALL,
    PROPERTY,
    attempt,
    audited_once,
    folded,
    hostile_optional_text,
    hostile_text,
    mostly_good,
    snapshot,
)

UNIT_FIELDS = {
    "Tên",
    "Cấp",
    "Chọn loại",
    "Chọn tỉnh",
    "Chọn huyện",
    "Chọn xã",
    "Địa chỉ chi tiết",
    "Mô tả chi tiết",
    "Mã",
}
USER_FIELDS = {
    cccd.FIELD,
    "Họ và tên",
    "Chức vụ",
    "Loại tài khoản",
    "Đơn vị",
    "Vai trò",
}


# -- unit form ----------------------------------------------------------------------------------

UNIT_BREAKERS: dict[str, st.SearchStrategy[Any]] = {
    "name": hostile_text(),
    "level_code": st.one_of(st.sampled_from(("TW", "TINH", "HUYEN", "CO_SO")), hostile_text()),
    "type_code": st.one_of(st.sampled_from(("KHAC", "CONG_AN")), hostile_text()),
    "province": st.one_of(st.sampled_from(("Tỉnh Cao Bằng", None)), hostile_text()),
    "district": hostile_optional_text(),
    "commune": hostile_optional_text(),
    "address": hostile_optional_text(),
    "description": hostile_optional_text(),
    "code": st.one_of(
        st.none(),
        st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True),
        st.sampled_from(("HN", "TW", "HN-BD")),  # codes already taken
        hostile_text(),
    ),
}


def unit_drafts() -> st.SearchStrategy[UnitDraft]:
    """A good commune-level form with up to three of its fields replaced by bad values."""
    return mostly_good({}, UNIT_BREAKERS).map(lambda bad: unit_draft(**bad))


def assert_unit_stored_folded(db: Db, unit_id: int, draft: UnitDraft, old_code: str | None) -> None:
    stored = db.units.get(unit_id)
    texts = ("name", "level_code", "type_code", "province", "district", "commune", "address")
    for field in (*texts, "description"):
        assert getattr(stored, field) == folded(getattr(draft, field)), field
    assert stored.code == (folded(draft.code) or old_code or stored.code)


@PROPERTY
@given(draft=unit_drafts())
def test_the_add_unit_form_accepts_folded_text_or_refuses_naming_a_field(
    db: Db, tree: Tree, draft: UnitDraft
) -> None:
    actor = actor_at(tree.hn, functions.UNIT_MANAGE)
    before = snapshot(db)
    outcome = attempt(db, lambda: hierarchy.add_unit(db, actor, tree.hn.id, draft), UNIT_FIELDS)
    if not isinstance(outcome, DomainError):
        assert outcome.parent_id == tree.hn.id and outcome.path.startswith(tree.hn.path)
        assert_unit_stored_folded(db, outcome.id, draft, None)
        audited_once(db, before)


@PROPERTY
@given(draft=unit_drafts())
def test_the_update_unit_form_accepts_folded_text_or_refuses_naming_a_field(
    db: Db, tree: Tree, draft: UnitDraft
) -> None:
    actor = actor_at(tree.hn, functions.UNIT_MANAGE)
    target = db.units.get(tree.ba_dinh_cs2.id)
    draft = replace(draft, level_code="CO_SO" if draft.level_code == "XA" else draft.level_code)
    before = snapshot(db)
    outcome = attempt(
        db,
        lambda: hierarchy.update_unit(db, actor, target.id, draft, target.version),
        UNIT_FIELDS,
    )
    if not isinstance(outcome, DomainError):
        assert outcome.version == target.version + 1
        assert_unit_stored_folded(db, target.id, draft, target.code)
        audited_once(db, before)


# -- user form ----------------------------------------------------------------------------------


def spaced(number: str, cuts: list[int]) -> str:
    for cut in sorted(set(cuts), reverse=True):
        number = number[:cut] + " " + number[cut:]
    return f" {number} "


CCCDS = st.one_of(
    st.builds(lambda: new_cccd()),
    st.builds(lambda cuts: spaced(new_cccd(), cuts), st.lists(st.integers(0, 12), max_size=4)),
    st.text(alphabet="0123456789", min_size=10, max_size=14),
    st.sampled_from(("０１２３４５６７８９０１", "٠٠١٠٩٠٠٠٠٠٠١", "001090-00001", "001-090-000001")),
    hostile_text(),
)
USER_BREAKERS: dict[str, st.SearchStrategy[Any]] = {
    "cccd": CCCDS,
    "full_name": hostile_text(),
    "position": hostile_text(),
    "account_type": st.one_of(st.sampled_from((ADMIN, USER, "admin", "ROOT")), hostile_text()),
    "role_code": st.one_of(
        st.sampled_from(("QUAN_TRI", "QUAN_LY_BC", "PHAN_TICH", "quan_tri")), hostile_text()
    ),
}


def user_drafts(tree: Tree) -> st.SearchStrategy[UserDraft]:
    """A good form for an ordinary user of Hà Nội with up to three fields made bad."""
    breakers = {
        **USER_BREAKERS,
        "unit_id": st.one_of(
            st.sampled_from([u.id for u in vars(tree).values()]),
            st.integers(-(2**63), 2**63 - 1),
        ),
    }
    good = {
        "full_name": "Phạm Đức Long",
        "unit_id": tree.hn.id,
        "account_type": USER,
        "position": "Chuyên viên",
        "role_code": "CHUYEN_VIEN",
    }
    return mostly_good(good, breakers).map(
        lambda values: UserDraft(**{"cccd": new_cccd(), **values})
    )


@pytest.fixture
def hn_admin(db: Db, tree: Tree) -> Actor:
    return make_admin_actor(db, tree.hn)


@pytest.fixture
def root_admin(db: Db, tree: Tree) -> Actor:
    return make_admin_actor(db, tree.root)


@pytest.fixture
def member(db: Db, tree: Tree) -> User:
    """The ordinary user of Hà Nội whose account the update form edits."""
    return make_user(db, tree.hn, full_name="Lê Thị Thành Viên")


@PROPERTY
@given(data=st.data())
def test_the_create_user_form_accepts_folded_text_or_refuses_naming_a_field(
    db: Db, tree: Tree, hn_admin: Actor, data: st.DataObject
) -> None:
    draft = data.draw(user_drafts(tree))
    before = snapshot(db)
    outcome = attempt(db, lambda: users.create(db, hn_admin, draft), USER_FIELDS)
    if not isinstance(outcome, DomainError):
        stored = db.users.get(outcome.user.id)
        assert stored.cccd == draft.cccd.strip().replace(" ", "")
        assert stored.full_name == folded(draft.full_name)
        assert stored.position == folded(draft.position)
        assert (stored.unit_id, stored.account_type, stored.role_code) == (
            draft.unit_id,
            draft.account_type,
            draft.role_code,
        )
        assert stored.must_change_password and outcome.initial_password
        audited_once(db, before)


@PROPERTY
@given(data=st.data())
def test_the_update_user_form_accepts_folded_text_or_refuses_naming_a_field(
    db: Db, tree: Tree, hn_admin: Actor, member: User, data: st.DataObject
) -> None:
    target = db.users.get(member.id)
    form = data.draw(user_drafts(tree))
    before = snapshot(db)
    outcome = attempt(
        db,
        lambda: users.update(
            db,
            hn_admin,
            target.id,
            form.unit_id,
            form.account_type,
            form.position,
            form.role_code,
            target.version,
        ),
        USER_FIELDS,
    )
    if not isinstance(outcome, DomainError):
        assert outcome.position == folded(form.position)
        assert (outcome.cccd, outcome.full_name) == (target.cccd, target.full_name)
        audited_once(db, before)


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(CCCDS, st.text(alphabet=" 0123456789\t", max_size=20)))
def test_an_accepted_cccd_is_its_twelve_digits_and_validating_it_again_changes_nothing(
    raw: str,
) -> None:
    today = date(2025, 6, 1)
    try:
        number = cccd.validate(raw, today=today)
    except ValidationError as err:
        assert err.field == cccd.FIELD
        return
    assert number == raw.strip().replace(" ", "")
    assert len(number) == 12 and number.isascii() and number.isdigit()
    assert cccd.validate(number, today=today) == number
    assert today.year - cccd.MAX_AGE <= cccd.birth_year(number) <= today.year


ROLE_FORMS = mostly_good(
    {
        "code": "NHAP_LIEU",
        "name": "Nhập liệu",
        "description": "Chỉ nhập báo cáo",
        "function_codes": ["REPORT_CREATE"],
    },
    {
        "code": st.one_of(
            st.sampled_from(("nhap_lieu", " Nhập liệu ", "quan_tri", "A" * 31)), hostile_text()
        ),
        "name": hostile_text(),
        "description": hostile_text(),
        "function_codes": st.lists(
            st.one_of(st.sampled_from(ALL), hostile_text()), max_size=4, unique=True
        ),
    },
    most=2,
)


@PROPERTY
@given(form=ROLE_FORMS)
def test_the_role_form_accepts_folded_text_or_refuses_naming_a_field(
    db: Db, root_admin: Actor, form: dict[str, Any]
) -> None:
    fields = {"Mã vai trò", "Tên vai trò", "Mô tả", "Danh sách chức năng"}
    outcome = attempt(db, lambda: users.save_role(db, root_admin, **form), fields)
    if not isinstance(outcome, DomainError):
        role = next(r for r in users.roles(db) if r["code"] == folded(form["code"]).upper())
        assert role["name"] == folded(form["name"])
        assert role["description"] == (folded(form["description"]) or "")
        assert db.users.functions_of_role(role["code"]) == set(form["function_codes"])
