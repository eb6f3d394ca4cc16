"""Ids in URLs and bodies stay within PostgreSQL's integer range: a larger one can name
nothing, so it is a 404 (path) or 422 (body), never a database error."""

import marshmallow as ma
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Flask's ``int`` converter, bounded to ids the database can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def IdField(**kwargs) -> ma.fields.Integer:  # noqa: N802 - reads like a field class
    return ma.fields.Integer(
        strict=True, validate=ma.validate.Range(min=1, max=MAX_ID, error="编号无效"), **kwargs
    )
