"""Paginated lists: `?page=&page_size=` in, `{"items", "page", "page_size", "total"}` out."""

from dataclasses import dataclass

import marshmallow as ma
from sqlalchemy import Select, func, select

from backend.extensions import db

MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000  # a larger offset names nothing, and must stay within a bigint


class PageArgs(ma.Schema):
    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=MAX_PAGE, error=f"页码须在 1 至 {MAX_PAGE} 之间"),
    )
    page_size = ma.fields.Integer(
        load_default=20,
        validate=ma.validate.Range(
            min=1, max=MAX_PAGE_SIZE, error=f"每页条数须在 1 至 {MAX_PAGE_SIZE} 之间"
        ),
    )


@dataclass
class Page:
    items: list
    page: int
    page_size: int
    total: int


def paginate(query: Select, page: int, page_size: int) -> Page:
    """Run ``query`` for one page; the count uses the same filters without ORDER BY."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=list(rows), page=page, page_size=page_size, total=total or 0)


def paginate_rows(query: Select, page: int, page_size: int | None) -> Page:
    """Like ``paginate`` for a SELECT of several columns (items are rows); ``page_size``
    None gives every row, as an export needs."""
    if page_size is None:
        rows = db.session.execute(query).all()
        return Page(items=list(rows), page=1, page_size=len(rows), total=len(rows))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=list(rows), page=page, page_size=page_size, total=total or 0)


_page_schemas: dict[type, type] = {}


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A response schema for a page of ``item_schema`` (one class per item schema)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema)),
                "page": ma.fields.Integer(),
                "page_size": ma.fields.Integer(),
                "total": ma.fields.Integer(),
            },
        )
    return _page_schemas[item_schema]
