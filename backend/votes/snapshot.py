"""The eligibility snapshot taken when voting opens: who the owners are and what area each
holds, frozen for the motion so later changes to the register or to verifications do not
alter an open vote.

One owner is one head (SPC interpretation on building ownership, art. 9): a person holding
several units counts once with their summed area; co-owners of a unit are one owner; the
developer's unsold units together are one owner; a unit whose owner has not been verified in
Linli still counts as one owner (of its own area) in the totals, so the quorum is measured
against the whole estate, never against the people who happen to use the app.
"""

from collections import defaultdict

from sqlalchemy import insert, select, text

from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.common.masking import mask_name
from backend.extensions import db
from backend.places.models import Building, Unit
from backend.votes.models import Elector, ElectorKind, ElectorUnit, ElectorUser, Motion

DEVELOPER_LABEL = "开发建设单位（未售房屋）"
MAX_LABEL = 100
NAME_CHARS = 32  # a WeChat nickname may be twice as long as a real name


class _Owners:
    """Union-find over users and units: whoever shares a unit shares one head."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, node):
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)


def take(motion: Motion) -> tuple[int, int]:
    """Write the motion's electors, their units and users; returns (owners, area in dm²).

    A motion scoped to buildings (``building_ids``) counts only their units and owners, with
    only the area they hold there: art. 278 (5) has the owners who bear a cost decide it.
    """
    in_scope = [Unit.estate_id == motion.estate_id]
    if motion.building_ids:
        in_scope.append(Unit.building_id.in_(motion.building_ids))
    units = db.session.execute(
        select(Unit.id, Unit.area_dm2, Unit.is_developer_unsold, Building.name, Unit.number)
        .join(Building, Building.id == Unit.building_id)
        .where(*in_scope)
        .order_by(Unit.id)
    ).all()
    holders = db.session.execute(
        select(Membership.scope_id, User.id, User.real_name, User.display_name)
        .join(User, User.id == Membership.user_id)
        .join(Unit, Unit.id == Membership.scope_id)
        .where(
            Membership.estate_id == motion.estate_id,
            Membership.role == Role.OWNER,
            Membership.scope_kind == ScopeKind.UNIT,
            User.is_active.is_(True),
            *in_scope,
        )
        .order_by(User.id)
    ).all()

    owners = _Owners()
    names = {}
    for unit_id, user_id, real_name, display_name in holders:
        owners.join(("user", user_id), ("unit", unit_id))
        names[user_id] = real_name or display_name or "业主"

    groups: dict = defaultdict(lambda: {"units": [], "users": []})
    for unit_id, area, unsold, building, number in units:
        unit = {"unit_id": unit_id, "unit_label": f"{building}{number}", "area_dm2": area}
        if ("unit", unit_id) in owners.parent:
            key = owners.find(("unit", unit_id))
        elif unsold:
            key = ("developer",)
        else:
            key = ("unit", unit_id)
        groups[key]["units"].append(unit)
    for user_id in names:
        groups[owners.find(("user", user_id))]["users"].append(user_id)

    electors, members = [], []
    for key, group in groups.items():
        if not group["units"]:
            continue
        if group["users"]:
            kind = ElectorKind.OWNER
            label = "、".join(mask_name(names[u]) for u in group["users"])[:MAX_LABEL]
        elif key == ("developer",):
            kind, label = ElectorKind.DEVELOPER, DEVELOPER_LABEL
        else:
            kind, label = ElectorKind.UNVERIFIED, group["units"][0]["unit_label"]
        electors.append(
            {
                "motion_id": motion.id,
                "kind": kind,
                "label": label,
                "area_dm2": sum(u["area_dm2"] for u in group["units"]),
                "unit_count": len(group["units"]),
            }
        )
        members.append(group)
    if not electors:
        return 0, 0

    ids = db.session.scalars(
        insert(Elector).returning(Elector.id, sort_by_parameter_order=True), electors
    ).all()
    if db.session.get_bind().dialect.name == "postgresql":
        # Each row below checks its elector through a foreign key. A connection that took a
        # small estate's snapshot while elector was nearly empty keeps a cached plan that
        # scans the whole table per row (37 s instead of 5 s for 20,000 units); fresh
        # statistics make PostgreSQL plan those checks again. (It also makes two snapshots
        # at the same moment take turns, which they can afford.)
        db.session.execute(text("ANALYZE elector"))
    unit_rows, user_rows = [], []
    for elector_id, group in zip(ids, members, strict=True):
        unit_rows += [
            {**u, "motion_id": motion.id, "elector_id": elector_id} for u in group["units"]
        ]
        user_rows += [
            {
                "motion_id": motion.id,
                "elector_id": elector_id,
                "user_id": user_id,
                "display_name": mask_name(names[user_id])[:NAME_CHARS],
            }
            for user_id in group["users"]
        ]
    db.session.execute(insert(ElectorUnit), unit_rows)
    if user_rows:
        db.session.execute(insert(ElectorUser), user_rows)
    return len(electors), sum(e["area_dm2"] for e in electors)
