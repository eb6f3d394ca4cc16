"""Request and response shapes for estates, the join directory, units and registers."""

import marshmallow as ma

from backend.access.roles import ROLE_LABELS
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema


class EstateSearchArgs(PageArgs, BaseSchema):
    q = ma.fields.String(
        validate=ma.validate.Length(max=64, error="搜索内容不能超过 64 个字"), load_default=None
    )


class DirectorySearchArgs(PageArgs, BaseSchema):
    q = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=2, max=64, error="请输入 2 到 64 个字的小区名称"),
    )


class EstateSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    address = ma.fields.String()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String(attribute="community.name")
    township_name = ma.fields.String(attribute="community.township.name")


class RoleSchema(ma.Schema):
    role = ma.fields.String()
    role_label = ma.fields.String()

    @ma.pre_dump
    def _wrap(self, role, **kwargs):
        return {"role": role, "role_label": ROLE_LABELS.get(role, role)}


class EstateDetailSchema(EstateSchema):
    unit_count = ma.fields.Integer()
    property_company_id = ma.fields.Integer(allow_none=True)
    property_company_name = ma.fields.String(allow_none=True)
    my_roles = ma.fields.List(ma.fields.Nested(RoleSchema))

    @ma.pre_dump
    def _flatten(self, detail, **kwargs):
        estate = detail["estate"]
        return {
            **{k: getattr(estate, k) for k in ("id", "name", "address", "community_id")},
            "community": estate.community,
            "unit_count": detail["unit_count"],
            "my_roles": detail["my_roles"],
            "property_company_id": estate.property_company_id,
            "property_company_name": (
                estate.property_company.name if estate.property_company else None
            ),
        }


class BuildingSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    unit_count = ma.fields.Integer()


class BuildingListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(BuildingSchema))


class UnitSchema(ma.Schema):
    id = ma.fields.Integer()
    building_id = ma.fields.Integer()
    number = ma.fields.String()
    floor = ma.fields.Integer(allow_none=True)
    area_dm2 = ma.fields.Integer(metadata={"description": "建筑面积，单位 0.01 ㎡"})
    is_developer_unsold = ma.fields.Boolean()


class ImportResultSchema(ma.Schema):
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
