"""Base schema: unknown fields are an error everywhere, decided once."""

import marshmallow as ma


class BaseSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
