"""core.users: the manual's account rules (who may create whom), CCCD uniqueness, scoped
update, delete as deactivation, and search."""

from __future__ import annotations

import json

import pytest

from core import auth, functions, users
from core.errors import (
    Conflict,
    LoginRefused,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from core.model import ADMIN, USER, Actor, Unit, UserDraft
from core.store import Db, Store
from tests.factories import (
    NOW,
    Tree,
    actor_at,
    audit_rows,
    make_admin_actor,
    make_user,
    new_cccd,
    race_past_the_check,
)


@pytest.fixture
def root_admin(db: Db, tree: Tree) -> Actor:
    return make_admin_actor(db, tree.root, full_name="Nguyễn Văn Quang")


@pytest.fixture
def hn_admin(db: Db, tree: Tree) -> Actor:
    return make_admin_actor(db, tree.hn, full_name="Trần Thị Minh Hạnh")


def draft(
    unit: Unit,
    account_type: str = USER,
    role_code: str = "CHUYEN_VIEN",
    *,
    cccd: str | None = None,
    full_name: str = "Phạm Đức Long",
    position: str = "Chuyên viên",
) -> UserDraft:
    return UserDraft(
        cccd=cccd or new_cccd(),
        full_name=full_name,
        unit_id=unit.id,
        account_type=account_type,
        position=position,
        role_code=role_code,
    )


def count_users(db: Db, tree: Tree) -> int:
    return users.search(
        db, actor_at(tree.root, functions.USER_MANAGE), users.UserFilter(), page_size=100
    )[1]


# -- who may create whom ----------------------------------------------------------------------


def test_admin_creates_a_user_in_its_own_unit(db: Db, tree: Tree, hn_admin: Actor) -> None:
    created = users.create(db, hn_admin, draft(tree.hn, cccd="001090034567"))
    user = created.user
    assert (
        user.cccd,
        user.full_name,
        user.unit_id,
        user.account_type,
        user.role_code,
        user.active,
        user.must_change_password,
    ) == ("001090034567", "Phạm Đức Long", tree.hn.id, USER, "CHUYEN_VIEN", True, True)


def test_a_created_account_signs_in_with_its_one_time_password(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    created = users.create(db, hn_admin, draft(tree.hn))
    auth.validate_new_password(created.initial_password, created.user)
    assert auth.authenticate(db, created.user.cccd, created.initial_password, NOW) == (
        created.user.id
    )


def test_admin_cannot_create_a_user_in_a_unit_below_its_own(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    with pytest.raises(PermissionDenied, match="cho chính đơn vị của mình"):
        users.create(db, hn_admin, draft(tree.ba_dinh))


@pytest.mark.parametrize("unit", ["ba_dinh", "ba_dinh_cs1"])
def test_admin_creates_an_admin_for_a_strict_descendant(
    db: Db, tree: Tree, hn_admin: Actor, unit: str
) -> None:
    created = users.create(db, hn_admin, draft(getattr(tree, unit), ADMIN, "QUAN_TRI"))
    assert (created.user.account_type, created.user.unit_id) == (ADMIN, getattr(tree, unit).id)


def test_admin_cannot_create_admin_for_own_unit(db: Db, tree: Tree, hn_admin: Actor) -> None:
    before = count_users(db, tree)
    with pytest.raises(PermissionDenied, match="Admin cho đơn vị cấp dưới"):
        users.create(db, hn_admin, draft(tree.hn, ADMIN, "QUAN_TRI"))
    assert count_users(db, tree) == before


@pytest.mark.parametrize("account_type", [ADMIN, USER])
def test_admin_cannot_create_anyone_in_an_ancestor_unit(
    db: Db, tree: Tree, hn_admin: Actor, account_type: str
) -> None:
    with pytest.raises(PermissionDenied):
        users.create(db, hn_admin, draft(tree.root, account_type))


@pytest.mark.parametrize("account_type", [ADMIN, USER])
@pytest.mark.parametrize("unit", ["hcm", "sai_gon", "sai_gon_cs1"])
def test_admin_cannot_create_anyone_outside_its_subtree(
    db: Db, tree: Tree, hn_admin: Actor, unit: str, account_type: str
) -> None:
    before = count_users(db, tree)
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        users.create(db, hn_admin, draft(getattr(tree, unit), account_type))
    assert count_users(db, tree) == before


def test_non_admin_with_user_management_cannot_create_accounts(db: Db, tree: Tree) -> None:
    staff = actor_at(
        tree.hn,
        functions.USER_MANAGE,
        functions.DASHBOARD,
        functions.REPORT_CREATE,
        functions.REPORT_LOOKUP,
        functions.CALENDAR_CHOOSE,
        account_type=USER,
    )
    with pytest.raises(PermissionDenied, match="Chỉ tài khoản Admin"):
        users.create(db, staff, draft(tree.hn))


def test_admin_without_user_management_cannot_create_accounts(db: Db, tree: Tree) -> None:
    admin = actor_at(tree.hn, functions.UNIT_MANAGE)
    with pytest.raises(PermissionDenied):
        users.create(db, admin, draft(tree.ba_dinh, ADMIN, "CHUYEN_VIEN"))


def test_duplicate_active_cccd_is_refused_naming_the_citizen(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    make_user(db, tree.hcm, cccd="038194011749", full_name="Lê Thị Thu Hà")
    before = count_users(db, tree)
    with pytest.raises(Conflict) as err:
        users.create(db, hn_admin, draft(tree.hn, cccd="038194011749"))
    assert str(err.value) == (
        "Công dân Lê Thị Thu Hà đã được tạo tài khoản đang hoạt động trong hệ thống"
    )
    assert count_users(db, tree) == before


def test_the_cccd_of_a_deleted_account_can_be_used_again(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    first = users.create(db, hn_admin, draft(tree.hn, cccd="038194011749")).user
    users.delete(db, hn_admin, first.id, first.version)
    second = users.create(db, hn_admin, draft(tree.hn, cccd="038194011749")).user
    assert second.id != first.id and second.active


def test_cannot_grant_a_role_with_functions_the_actor_lacks(db: Db, tree: Tree) -> None:
    limited = actor_at(tree.hn, *db.users.functions_of_role("QUAN_LY_BC"), functions.USER_MANAGE)
    with pytest.raises(PermissionDenied, match="chức năng mà bạn không có"):
        users.create(db, limited, draft(tree.ba_dinh, ADMIN, "QUAN_TRI"))


def test_can_grant_a_role_whose_functions_the_actor_holds(db: Db, tree: Tree) -> None:
    limited = actor_at(
        tree.hn,
        functions.USER_MANAGE,
        functions.DASHBOARD,
        functions.REPORT_CREATE,
        functions.REPORT_LOOKUP,
        functions.CALENDAR_CHOOSE,
    )
    assert users.create(db, limited, draft(tree.hn, USER, "CHUYEN_VIEN")).user.active


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"cccd": "038194A11749"}, "Số căn cước công dân"),
        ({"cccd": "097194011749"}, "Số căn cước công dân"),
        ({"full_name": "   "}, "Họ và tên"),
        ({"position": ""}, "Chức vụ"),
        ({"role_code": "KHONG_CO"}, "Vai trò"),
        ({"account_type": "SUPERUSER"}, "Loại tài khoản"),
        ({"unit_id": 0}, "Đơn vị"),
    ],
)
def test_create_with_a_bad_field_names_it_and_saves_nothing(
    db: Db, tree: Tree, hn_admin: Actor, changes: dict, field: str
) -> None:
    values = {
        "cccd": new_cccd(),
        "full_name": "Phạm Đức Long",
        "unit_id": tree.hn.id,
        "account_type": USER,
        "position": "Chuyên viên",
        "role_code": "CHUYEN_VIEN",
    }
    before = count_users(db, tree)
    with pytest.raises(ValidationError) as err:
        users.create(db, hn_admin, UserDraft(**{**values, **changes}))
    assert err.value.field == field
    assert count_users(db, tree) == before


def test_create_in_an_inactive_unit_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    db.units.bump(tree.ba_dinh_cs2.id, tree.ba_dinh_cs2.version, NOW, active=False)
    with pytest.raises(ValidationError, match="đã ngừng hoạt động"):
        users.create(db, hn_admin, draft(tree.ba_dinh_cs2, ADMIN, "CHUYEN_VIEN"))


def test_create_is_audited_without_the_cccd(db: Db, tree: Tree, hn_admin: Actor) -> None:
    user = users.create(db, hn_admin, draft(tree.hn)).user
    [row] = audit_rows(db, "user", user.id)
    detail = json.loads(row["detail"])
    assert (row["action"], row["actor_name"], detail["full_name"]) == (
        "create",
        "Trần Thị Minh Hạnh",
        "Phạm Đức Long",
    )
    assert "cccd" not in detail


# -- update -----------------------------------------------------------------------------------


def test_update_changes_position_and_role_and_bumps_the_version(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    user = make_user(db, tree.hn)
    updated = users.update(
        db, hn_admin, user.id, tree.hn.id, USER, "Trưởng ban", "QUAN_LY_BC", user.version
    )
    assert (updated.position, updated.role_code, updated.version) == (
        "Trưởng ban",
        "QUAN_LY_BC",
        user.version + 1,
    )


def test_update_audits_only_the_changed_fields(db: Db, tree: Tree, hn_admin: Actor) -> None:
    user = make_user(db, tree.hn)
    users.update(
        db, hn_admin, user.id, tree.hn.id, USER, "Trưởng ban", user.role_code, user.version
    )
    [row] = audit_rows(db, "user", user.id)
    assert json.loads(row["detail"]) == {"position": "Trưởng ban"}


def test_update_with_a_stale_version_is_refused_and_changes_nothing(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    user = make_user(db, tree.hn)
    users.update(db, hn_admin, user.id, tree.hn.id, USER, "Trưởng ban", "CHUYEN_VIEN", user.version)
    with pytest.raises(StaleVersion):
        users.update(
            db, hn_admin, user.id, tree.hn.id, USER, "Phó ban", "CHUYEN_VIEN", user.version
        )
    assert db.users.get(user.id).position == "Trưởng ban"


def test_update_of_an_account_outside_the_subtree_is_refused(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    other = make_user(db, tree.hcm)
    with pytest.raises(PermissionDenied):
        users.update(
            db, hn_admin, other.id, tree.hcm.id, USER, "Trưởng ban", "CHUYEN_VIEN", other.version
        )
    assert db.users.get(other.id) == other


def test_update_cannot_move_an_account_out_of_the_subtree(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    admin_below = make_user(db, tree.ba_dinh, ADMIN, "CHUYEN_VIEN")
    with pytest.raises(PermissionDenied):
        users.update(
            db,
            hn_admin,
            admin_below.id,
            tree.sai_gon.id,
            ADMIN,
            "Chuyên viên",
            "CHUYEN_VIEN",
            admin_below.version,
        )
    assert db.users.get(admin_below.id).unit_id == tree.ba_dinh.id


def test_update_cannot_make_an_admin_of_the_actor_own_unit(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    user = make_user(db, tree.hn)
    with pytest.raises(PermissionDenied):
        users.update(
            db, hn_admin, user.id, tree.hn.id, ADMIN, "Chuyên viên", "CHUYEN_VIEN", user.version
        )
    assert db.users.get(user.id).account_type == USER


def test_admin_cannot_change_its_own_account(db: Db, tree: Tree, hn_admin: Actor) -> None:
    me = db.users.get(hn_admin.user_id)
    with pytest.raises(PermissionDenied, match="chính mình"):
        users.update(db, hn_admin, me.id, tree.hn.id, ADMIN, "Bí thư", "QUAN_TRI", me.version)


# -- delete -----------------------------------------------------------------------------------


def test_delete_deactivates_the_account_and_keeps_the_row(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    user = make_user(db, tree.hn, full_name="Hoàng Thị Lan")
    users.delete(db, hn_admin, user.id, user.version)
    kept = db.users.get(user.id)
    assert (kept.active, kept.full_name, kept.version) == (False, "Hoàng Thị Lan", user.version + 1)


def test_delete_audit_keeps_the_person_name(db: Db, tree: Tree, hn_admin: Actor) -> None:
    user = make_user(db, tree.hn, full_name="Hoàng Thị Lan")
    users.delete(db, hn_admin, user.id, user.version)
    [row] = audit_rows(db, "user", user.id)
    assert (row["action"], json.loads(row["detail"])) == ("delete", {"full_name": "Hoàng Thị Lan"})


def test_a_deleted_account_cannot_sign_in(db: Db, tree: Tree, hn_admin: Actor) -> None:
    user = make_user(db, tree.hn)
    users.delete(db, hn_admin, user.id, user.version)
    with pytest.raises(LoginRefused):
        auth.authenticate(db, user.cccd, "Matkhau2025", NOW)


def test_a_deleted_account_is_not_found_any_more(db: Db, tree: Tree, hn_admin: Actor) -> None:
    user = make_user(db, tree.hn)
    users.delete(db, hn_admin, user.id, user.version)
    with pytest.raises(NotFound):
        users.delete(db, hn_admin, user.id, user.version + 1)


def test_delete_with_a_stale_version_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    user = make_user(db, tree.hn)
    with pytest.raises(StaleVersion):
        users.delete(db, hn_admin, user.id, user.version + 1)
    assert db.users.get(user.id).active is True


@pytest.mark.parametrize("where", ["hcm", "root"])
def test_delete_of_an_account_outside_the_subtree_is_refused(
    db: Db, tree: Tree, hn_admin: Actor, where: str
) -> None:
    other = make_user(db, getattr(tree, where), ADMIN, "QUAN_TRI")
    with pytest.raises(PermissionDenied):
        users.delete(db, hn_admin, other.id, other.version)
    assert db.users.get(other.id).active is True


def test_admin_cannot_delete_its_own_account(db: Db, tree: Tree, hn_admin: Actor) -> None:
    with pytest.raises(PermissionDenied, match="chính mình"):
        users.delete(db, hn_admin, hn_admin.user_id, 1)


def test_reset_password_lifts_a_lock_and_asks_for_a_new_password(
    db: Db, tree: Tree, hn_admin: Actor
) -> None:
    user = make_user(db, tree.hn)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            auth.authenticate(db, user.cccd, "Saimatkhau1", NOW)
    password = users.reset_password(db, hn_admin, user.id, user.version)
    assert auth.authenticate(db, user.cccd, password, NOW) == user.id
    assert db.users.get(user.id).must_change_password is True


# -- search -----------------------------------------------------------------------------------


@pytest.fixture
def people(db: Db, tree: Tree, hn_admin: Actor) -> dict[str, int]:
    made = {
        "long": make_user(
            db, tree.hn, cccd="001090034567", full_name="Phạm Đức Long", role_code="QUAN_LY_BC"
        ),
        "an": make_user(db, tree.ba_dinh, cccd="038194011749", full_name="Nguyễn Văn An"),
        "hanh": make_user(db, tree.ba_dinh_cs1, cccd="001192045678", full_name="Lê Thị Hạnh"),
        "hcm_hanh": make_user(db, tree.sai_gon, cccd="079195000111", full_name="Võ Thị Hạnh"),
    }
    return {k: u.id for k, u in made.items()}


def found(db: Db, actor: Actor, **filters: object) -> set[str]:
    frame, _ = users.search(db, actor, users.UserFilter(**filters), page_size=100)
    return set(frame["full_name"].to_list())


def test_search_by_cccd_prefix(db: Db, hn_admin: Actor, people: dict[str, int]) -> None:
    assert found(db, hn_admin, cccd="00109003") == {"Phạm Đức Long"}


def test_search_by_cccd_ignores_spaces(db: Db, hn_admin: Actor, people: dict[str, int]) -> None:
    assert found(db, hn_admin, cccd="038 194") == {"Nguyễn Văn An"}


def test_search_by_name_ignores_accents(db: Db, hn_admin: Actor, people: dict[str, int]) -> None:
    assert found(db, hn_admin, name="hanh") == {"Trần Thị Minh Hạnh", "Lê Thị Hạnh"}


def test_search_by_name_without_accents_finds_d_stroke(
    db: Db, hn_admin: Actor, people: dict[str, int]
) -> None:
    assert found(db, hn_admin, name="pham duc") == {"Phạm Đức Long"}


def test_search_by_unit_lists_that_unit_only(
    db: Db, tree: Tree, hn_admin: Actor, people: dict[str, int]
) -> None:
    assert found(db, hn_admin, unit_id=tree.ba_dinh.id) == {"Nguyễn Văn An"}


def test_search_by_role(db: Db, hn_admin: Actor, people: dict[str, int]) -> None:
    assert found(db, hn_admin, role_code="QUAN_LY_BC") == {"Phạm Đức Long"}


def test_search_stays_within_the_actor_subtree(
    db: Db, tree: Tree, hn_admin: Actor, people: dict[str, int]
) -> None:
    assert "Võ Thị Hạnh" not in found(db, hn_admin)
    assert found(db, hn_admin, unit_id=tree.sai_gon.id) == set()


def test_search_hides_deleted_accounts(db: Db, hn_admin: Actor, people: dict[str, int]) -> None:
    db.users.update(people["long"], {"active": False}, 1, NOW)
    assert "Phạm Đức Long" not in found(db, hn_admin)


def test_search_pages_results_and_reports_the_total(db: Db, tree: Tree, hn_admin: Actor) -> None:
    for i in range(12):
        make_user(db, tree.ba_dinh_cs2, full_name=f"Đảng viên {i:02d}")
    flt = users.UserFilter(unit_id=tree.ba_dinh_cs2.id)
    first, total_1 = users.search(db, hn_admin, flt, page=1, page_size=10)
    second, total_2 = users.search(db, hn_admin, flt, page=2, page_size=10)
    assert (first.height, second.height, total_1, total_2) == (10, 2, 12, 12)
    assert set(first["id"]).isdisjoint(set(second["id"]))


def test_search_with_an_unlisted_page_size_is_refused(db: Db, tree: Tree, hn_admin: Actor) -> None:
    """A tampered size is refused naming the field, never silently changed (issue #10, 20)."""
    with pytest.raises(ValidationError) as refusal:
        users.search(db, hn_admin, users.UserFilter(unit_id=tree.ba_dinh_cs2.id), page_size=1000)
    assert refusal.value.field == "Số dòng mỗi trang"


def test_search_needs_user_management(db: Db, tree: Tree) -> None:
    with pytest.raises(PermissionDenied):
        users.search(db, actor_at(tree.hn, functions.DASHBOARD), users.UserFilter())


# -- roles ------------------------------------------------------------------------------------


def test_only_a_root_admin_may_define_roles(db: Db, hn_admin: Actor) -> None:
    with pytest.raises(PermissionDenied, match="Trung ương"):
        users.save_role(db, hn_admin, "THU_KY", "Thư ký", "", [functions.DASHBOARD])


def test_a_role_defined_by_the_root_admin_grants_its_functions(db: Db, root_admin: Actor) -> None:
    users.save_role(
        db,
        root_admin,
        "thu_ky",
        "Thư ký",
        "Theo dõi lịch",
        [functions.DASHBOARD, functions.CALENDAR_SUMMARY],
    )
    assert db.users.functions_of_role("THU_KY") == {functions.DASHBOARD, functions.CALENDAR_SUMMARY}


# -- concurrency ------------------------------------------------------------------------------


def test_two_admins_creating_the_same_cccd_at_once_leave_one_active_account(
    store: Store, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_db = store.db()
    hn = make_admin_actor(setup_db, tree.hn, full_name="Admin Hà Nội")
    hcm = make_admin_actor(setup_db, tree.hcm, full_name="Admin Hồ Chí Minh")
    outcomes = race_past_the_check(
        monkeypatch,
        lambda: users.create(store.db(), hn, draft(tree.hn, cccd="038194011749")),
        lambda: users.create(store.db(), hcm, draft(tree.hcm, cccd="038194011749")),
    )
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["Conflict", "Created"]
