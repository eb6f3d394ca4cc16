"""Snap reports (随手拍) under /api/v1: report with photos, nearby duplicates, the closed loop,
ratings, "me too", work lists, figures and county time limits."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common import storage
from backend.common.pagination import PageArgs, page_schema
from backend.common.schemas import BaseSchema, FileUploadSchema
from backend.tickets import loop, nearby, oversight, queries, reporting, schemas, support, uploads

blp = Blueprint("tickets", __name__, url_prefix="/api/v1", description="随手拍工单")
ESTATE = "/estates/<int:estate_id>"


class PhotoArgs(BaseSchema):
    size = ma.fields.String(
        load_default="full",
        validate=ma.validate.OneOf(["full", "thumb"], error="size 应为 full 或 thumb"),
    )


@blp.route(f"{ESTATE}/ticket-photos")
class PhotoUpload(MethodView):
    decorators = [login_required]

    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, schemas.TicketPhotoSchema)
    def post(self, files, estate_id):
        """Upload a photo (JPEG, PNG or WebP, ≤ 10 MB, ≤ 40 MP); it is re-encoded without EXIF."""
        return uploads.upload_photo(current_user(), estate_id, files["file"].read())


@blp.route("/ticket-photos/<int:photo_id>")
class PhotoItem(MethodView):
    decorators = [login_required]

    @blp.arguments(PhotoArgs, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="image/jpeg")
    def get(self, args, photo_id):
        """A photo (or its thumbnail) as re-encoded JPEG."""
        photo = uploads.photo_for(current_user(), photo_id)
        key = photo.thumb_key if args["size"] == "thumb" else photo.storage_key
        response = storage.send(key, "image/jpeg", f"ticket-photo-{photo.id}.jpg")
        response.headers["Content-Disposition"] = "inline"
        return response


@blp.route(f"{ESTATE}/tickets")
class EstateTickets(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.TicketListArgs, location="query")
    @blp.response(200, page_schema(schemas.TicketSchema))
    def get(self, args, estate_id):
        """The estate's tickets, newest first."""
        return queries.list_for_estate(current_user(), estate_id, **args)

    @blp.arguments(schemas.TicketArgs)
    @blp.response(201, schemas.TicketDetailSchema)
    def post(self, args, estate_id):
        """Report a problem with 1–9 uploaded photos (verified owners; staff for other channels)."""
        user = current_user()
        ticket = reporting.report(user, estate_id, args)
        return queries.detail(user, ticket.id)


@blp.route(f"{ESTATE}/tickets/nearby")
class NearbyTickets(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.NearbyArgs, location="query")
    @blp.response(200, schemas.NearbySchema)
    def get(self, args, estate_id):
        """Open tickets of a category from the last 14 days in the building or within 50 m."""
        return {"items": nearby.nearby(current_user(), estate_id, **args)}


@blp.route(f"{ESTATE}/tickets/stats")
class EstateTicketStats(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.StatsArgs, location="query")
    @blp.response(200, schemas.StatsSchema)
    def get(self, args, estate_id):
        """Counts, on-time rate, reopen rate and average rating, by category and in total."""
        return oversight.estate_stats(current_user(), estate_id, **args)


@blp.route("/tickets/mine")
class MyTickets(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.TicketSchema))
    def get(self, args):
        """Tickets I reported or support."""
        return queries.list_mine(current_user(), **args)


@blp.route("/tickets/work")
class WorkList(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.WorkListArgs, location="query")
    @blp.response(200, page_schema(schemas.TicketSchema))
    def get(self, args):
        """Tickets I handle at their current rung, nearest deadline first."""
        return queries.list_work(current_user(), **args)


@blp.route("/tickets/<int:ticket_id>")
class TicketItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.TicketDetailSchema)
    def get(self, ticket_id):
        """One ticket with photos, history and what I may do now."""
        return queries.detail(current_user(), ticket_id)


@blp.route("/tickets/<int:ticket_id>/transitions")
class TicketTransitions(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.TicketTransitionArgs)
    @blp.response(200, schemas.TicketDetailSchema)
    def post(self, args, ticket_id):
        """Accept, assign, start, reply, reject, mark duplicate or reopen."""
        return loop.transition(current_user(), ticket_id, args)


@blp.route("/tickets/<int:ticket_id>/rating")
class TicketRating(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RatingArgs)
    @blp.response(200, schemas.TicketDetailSchema)
    def post(self, args, ticket_id):
        """The reporter rates the handling (1–5); the ticket is closed."""
        return loop.rate(current_user(), ticket_id, args["rating"], args["comment"])


@blp.route("/tickets/<int:ticket_id>/supporters")
class TicketSupporters(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.TicketDetailSchema)
    def post(self, ticket_id):
        """Me too (附议)."""
        return support.support(current_user(), ticket_id)

    @blp.response(200, schemas.TicketDetailSchema)
    def delete(self, ticket_id):
        """Take back my "me too"."""
        return support.withdraw_support(current_user(), ticket_id)


@blp.route("/counties/<int:county_id>/ticket-time-limits")
class TimeLimits(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.TimeLimitsSchema)
    def get(self, county_id):
        """Hours to accept and to reply per category in the county."""
        return oversight.time_limits(current_user(), county_id)

    @blp.arguments(schemas.TimeLimitsArgs)
    @blp.response(200, schemas.TimeLimitsSchema)
    def put(self, args, county_id):
        """Set the county's own hours (county officers)."""
        return oversight.set_time_limits(current_user(), county_id, args["items"])
