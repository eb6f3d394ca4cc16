"""Arguments of the problem list (十件实事): a problem, an inspection with its problems, and
a close-out."""

import marshmallow as ma

from backend.common.ids import IdField
from backend.common.schemas import BaseSchema, BoundedDate, text_field
from backend.tickets.models import CATEGORIES

TITLE_MAX, TEXT_MAX, CLOSE_NOTE_MAX, NOTES_MAX = 100, 2000, 500, 2000
INSPECTION_MAX_ITEMS = 20


def _category_field():
    return ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(list(CATEGORIES), error="请选择十件实事中的问题类别"),
    )


class ProblemItemArgs(BaseSchema):
    """One problem, alone or as an item of an inspection (which names the estate)."""

    category = _category_field()
    title = text_field("问题标题", TITLE_MAX)
    description = text_field("问题描述", TEXT_MAX, required=False)
    plan = text_field("整改方案", TEXT_MAX)
    deadline = BoundedDate(required=True)
    ticket_id = IdField(load_default=None)


class ProblemArgs(ProblemItemArgs):
    estate_id = IdField(required=True)


class InspectionArgs(BaseSchema):
    estate_id = IdField(required=True)
    inspected_on = BoundedDate(required=True)
    notes = text_field("督查情况", NOTES_MAX, required=False)
    items = ma.fields.List(
        ma.fields.Nested(ProblemItemArgs),
        required=True,
        validate=ma.validate.Length(
            1, INSPECTION_MAX_ITEMS, error=f"一次督查应登记 1–{INSPECTION_MAX_ITEMS} 个问题"
        ),
    )


class CloseOutArgs(BaseSchema):
    close_note = text_field("销号说明", CLOSE_NOTE_MAX)
