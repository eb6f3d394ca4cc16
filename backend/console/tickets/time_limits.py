"""A county's ticket time limits from the console: county officers read and change the hours
to accept and to reply per category; everyone else gets 403 or 404 from the service."""

import marshmallow as ma
from sqlalchemy import select

from backend.access.roles import ScopeKind
from backend.accounts.models import User
from backend.console.forms import id_arg, typed_int
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.places.models import County
from backend.tickets import oversight, rules
from backend.tickets.models import CATEGORIES
from backend.tickets.schemas import TimeLimitArgs


def sets_time_limits(user: User) -> bool:
    """Whether the user is a county's officer (the console shows them the time limits)."""
    return bool(_counties(user))


def _counties(user: User) -> list[int]:
    return sorted(
        m.scope_id
        for m in user.memberships
        if m.role in oversight.LIMIT_SETTER_ROLES and m.scope_kind == ScopeKind.COUNTY
    )


def county_for(user: User, county_arg: str | None) -> int:
    """The county the page is about: the one asked for, else the user's own.

    :raises Forbidden: no county named and the user is no county's officer.
    :raises NotFound: the id named cannot be a county.
    """
    if county_arg:
        county_id = id_arg(county_arg)
        if county_id is None:
            raise NotFound("该县（区）不存在或您无权查看")
        return county_id
    counties = _counties(user)
    if not counties:
        raise Forbidden("只有住建局工作人员可以查看和设置工单时限")
    return counties[0]


def time_limits_page(user: User, county_id: int, form=None, errors=None) -> dict:
    """The county's hours per category, as saved or as just typed (with ``errors``).

    :raises NotFound: the user sees nothing in the county. :raises Forbidden: not its officer.
    """
    items = oversight.time_limits(user, county_id)["items"]
    counties = _counties(user)
    names = dict(
        db.session.execute(
            select(County.id, County.name).where(County.id.in_({county_id, *counties}))
        ).all()
    )
    rows = []
    for item in items:
        category = item["category"]
        typed = {
            name: form.get(f"{name}-{category}", "") if form is not None else item[name]
            for name in ("accept_hours", "reply_hours")
        }
        rows.append(
            {
                **item,
                "label": CATEGORIES[category],
                "value": typed,
                "errors": (errors or {}).get(category, {}),
            }
        )
    return {
        "county": {"id": county_id, "name": names.get(county_id, "")},
        "counties": [{"id": c, "name": names.get(c, "")} for c in counties],
        "rows": rows,
    }


def save_time_limits(user: User, county_id: int, form) -> int:
    """Save the hours that differ from the county's current ones; returns how many
    categories changed.

    :raises ValidationFailed: ``fields`` maps each bad category to its field messages.
    :raises NotFound: the user sees nothing in the county. :raises Forbidden: not its officer.
    """
    current = {i["category"]: i for i in oversight.time_limits(user, county_id)["items"]}
    changed, errors = [], {}
    for category in CATEGORIES:
        fields = {"category": category}
        for name in ("accept_hours", "reply_hours"):
            typed = form.get(f"{name}-{category}", "").strip()
            if typed:
                fields[name] = typed_int(typed)
        try:
            item = TimeLimitArgs().load(fields)
            rules.check_hours(item["accept_hours"], item["reply_hours"])
        except ma.ValidationError as exc:
            errors[category] = exc.messages_dict
            continue
        except ValidationFailed as exc:
            errors[category] = exc.fields
            continue
        was = current[category]
        if (item["accept_hours"], item["reply_hours"]) != (was["accept_hours"], was["reply_hours"]):
            changed.append(item)
    if errors:
        raise ValidationFailed("时限有误，请按提示修改", fields=errors)
    if changed:
        oversight.set_time_limits(user, county_id, changed)
    return len(changed)
