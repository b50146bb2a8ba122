"""Who may do what: functions from the role, scope from the unit subtree.

Every core service opens with `require` and checks every unit it reads or writes with
`require_in_scope`, so a page that forgets to hide a button still cannot act.
"""

from __future__ import annotations

from core.errors import PermissionDenied
from core.model import ADMIN, Actor, Unit, within
from core.store import Db


def require(actor: Actor | None, function: str) -> Actor:
    if actor is None:
        raise PermissionDenied("Bạn cần đăng nhập để sử dụng chức năng này")
    if function not in actor.functions:
        raise PermissionDenied()
    return actor


def require_in_scope(actor: Actor, unit: Unit | None, *, strict: bool = False) -> Unit:
    """Refuse a unit outside the actor's subtree (or, if ``strict``, the actor's own unit too).

    A unit the actor may not see is reported exactly like one that does not exist, so that
    probing ids reveals nothing.
    """
    if unit is None or not within(unit.path, actor.unit_path):
        raise PermissionDenied("Đơn vị không tồn tại hoặc nằm ngoài phạm vi quản lý của bạn")
    if strict and unit.id == actor.unit_id:
        raise PermissionDenied("Bạn không thể thực hiện thao tác này trên chính đơn vị của mình")
    return unit


def is_root_admin(actor: Actor, function: str) -> bool:
    """An Admin of the root unit holding ``function``: who may change what the whole tree
    shares (report templates, map boundaries)."""
    return function in actor.functions and actor.is_admin and actor.unit_path.count("/") == 2


def load_actor(db: Db, user_id: int) -> Actor | None:
    """The actor behind a signed-in user id, or None if the account or its unit is inactive."""
    user = db.users.get(user_id)
    if user is None or not user.active:
        return None
    unit = db.units.get(user.unit_id)
    if unit is None or not unit.active:
        return None
    return Actor(
        user_id=user.id,
        full_name=user.full_name,
        unit_id=unit.id,
        unit_path=unit.path,
        account_type=user.account_type,
        functions=db.users.functions_of_role(user.role_code),
        must_change_password=user.must_change_password,
    )


def may_hold_account(actor: Actor, unit: Unit, account_type: str) -> bool:
    """The manual's rule: an Admin creates ordinary users of its own unit and Admins below it."""
    if not within(unit.path, actor.unit_path):
        return False
    if account_type == ADMIN:
        return unit.id != actor.unit_id
    return unit.id == actor.unit_id
