"""The 12345 hotline intake from the console: the estates a staff member may enter cases for,
and a case filed from the form with the API's own hotline rules."""

from backend.accounts.models import User
from backend.common.ids import IdField
from backend.console.forms import load, typed_int
from backend.console.tickets.pages import estates_for
from backend.errors import Forbidden
from backend.tickets import reporting, rules
from backend.tickets.models import CATEGORIES, Ticket
from backend.tickets.schemas import HotlineArgs

HOTLINE_FIELDS = (
    "estate_id",
    "hotline_case_no",
    "caller_name",
    "caller_phone",
    "category",
    "description",
    "location_text",
)


class HotlineForm(HotlineArgs):
    """The API's hotline rules, and the estate the case is about."""

    estate_id = IdField(required=True, error_messages={"required": "请选择小区"})


def hotline_form(user: User) -> dict:
    """The estates the user may enter hotline cases for, and the categories.

    :raises Forbidden: not community, township or county staff.
    """
    estates = estates_for(user, rules.HOTLINE_ROLES)
    if not estates:
        raise Forbidden("只有社区、街道或住建局工作人员可以录入热线工单")
    return {
        "estates": [
            {"id": e.id, "label": f"{e.name}（{e.community.township.name} · {e.community.name}）"}
            for e in estates
        ],
        "categories": CATEGORIES,
    }


def report_hotline(user: User, form) -> Ticket:
    """File a hotline case from the console form.

    :raises ValidationFailed: a field missing or malformed (messages per field).
    :raises Conflict: the county has this case number already (on the field).
    :raises NotFound: the estate is outside the user's scope.
    :raises Forbidden: not community, township or county staff over the estate.
    """
    fields = {name: form.get(name, "").strip() for name in HOTLINE_FIELDS}
    for name in ("estate_id", "category"):  # an unpicked select is a missing field
        if not fields[name]:
            del fields[name]
    if "estate_id" in fields:
        fields["estate_id"] = typed_int(fields["estate_id"])
    args = load(HotlineForm(), fields)
    estate_id = args.pop("estate_id")
    return reporting.report_hotline(user, estate_id, args)
