"""Estates, the join directory, buildings, units and register upload."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common.pagination import PageArgs, page_schema
from backend.common.schemas import FileUploadSchema
from backend.errors import ValidationFailed
from backend.estates import schemas, services

blp = Blueprint("places", __name__, url_prefix="/api/v1", description="小区与房屋")


@blp.route("/estates")
class Estates(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.EstateSearchArgs, location="query")
    @blp.response(200, page_schema(schemas.EstateSchema))
    def get(self, args):
        """Estates within my memberships."""
        return services.list_my_estates(current_user(), **args)


@blp.route("/estates/<int:estate_id>")
class EstateItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.EstateDetailSchema)
    def get(self, estate_id):
        """One estate I belong to or supervise (404 otherwise)."""
        return services.estate_detail(current_user(), estate_id)


@blp.route("/directory/estates")
class Directory(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.DirectorySearchArgs, location="query")
    @blp.response(200, page_schema(schemas.EstateSchema))
    def get(self, args):
        """Find an estate by name to claim a unit in it (public names and addresses only)."""
        return services.search_directory(**args)


@blp.route("/directory/estates/<int:estate_id>/buildings")
class DirectoryBuildings(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.BuildingListSchema)
    def get(self, estate_id):
        """Buildings of an estate, to pick the one a claimed unit is in."""
        return {"items": services.list_buildings(estate_id)}


@blp.route("/directory/buildings/<int:building_id>/units")
class DirectoryUnits(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.UnitSchema))
    def get(self, args, building_id):
        """Units of a building, to pick the one to claim."""
        return services.list_units(building_id, **args)


@blp.route("/estates/<int:estate_id>/units/import")
class UnitImport(MethodView):
    decorators = [login_required]

    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(200, schemas.ImportResultSchema)
    def post(self, files, estate_id):
        """Replace or extend the estate's unit register from an .xlsx file (all or nothing)."""
        upload = files["file"]
        if not upload.filename.lower().endswith(".xlsx"):
            raise ValidationFailed("请上传 .xlsx 格式的房屋清册", fields={"file": ["仅支持 .xlsx"]})
        return services.import_estate_register(current_user(), estate_id, upload.stream)
