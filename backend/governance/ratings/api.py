"""Star ratings under /api/v1: an estate's confirmed ratings, and appeals against them."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.governance.ratings import appeals, queries, schemas

blp = Blueprint("ratings", __name__, url_prefix="/api/v1", description="小区星级评定")


@blp.route("/estates/<int:estate_id>/ratings")
class EstateRatings(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.EstateRatingsSchema)
    def get(self, estate_id):
        """The estate's confirmed star ratings, newest first, with each criterion's points
        (its owners, committee, manager and supervising staff; 404 otherwise)."""
        return queries.confirmed_ratings(current_user(), estate_id)


@blp.route("/estate-ratings/<int:rating_id>/appeals")
class RatingAppeals(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.AppealArgs)
    @blp.response(201, schemas.AppealSchema)
    def post(self, args, rating_id):
        """Appeal a confirmed rating within the appeal window (the estate's committee or
        property manager); one open appeal at a time (409)."""
        return appeals.appeal(current_user(), rating_id, args["reason"])
