"""An estate's public record under /api/v1: the record itself, its problem list and the
joint-meeting decisions about it, and their photos and minutes as files."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common import storage
from backend.common.pagination import PageArgs, page_schema
from backend.common.uploads import download_doc
from backend.governance.meetings.services import MINUTES_SUFFIXES
from backend.governance.problems.services import PHOTO_SUFFIXES
from backend.governance.public_record import lists, schemas, services

blp = Blueprint("public_record", __name__, url_prefix="/api/v1", description="小区公示")


@blp.route("/estates/<int:estate_id>/public-record")
class PublicRecord(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.PublicRecordSchema)
    def get(self, estate_id):
        """The estate's public record: committee roster and term, property company and
        managers, the newest star rating with its appeals, problem and decision counts."""
        return services.public_record(current_user(), estate_id)


@blp.route("/estates/<int:estate_id>/problems")
class EstateProblems(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.ProblemListArgs, location="query")
    @blp.response(200, page_schema(schemas.RecordProblemSchema))
    def get(self, args, estate_id):
        """The estate's problem list (问题清单), newest first, with the close-out photos."""
        return lists.problems(current_user(), estate_id, **args)


@blp.route("/estates/<int:estate_id>/problem-photos/<int:photo_id>")
class ProblemPhoto(MethodView):
    decorators = [login_required]

    @blp.doc(**download_doc(PHOTO_SUFFIXES))
    def get(self, estate_id, photo_id):
        """A close-out photo of one of the estate's problems."""
        row = lists.problem_photo(current_user(), estate_id, photo_id)
        return storage.send(row.storage_key, row.content_type, row.name)


@blp.route("/estates/<int:estate_id>/meeting-decisions")
class MeetingDecisions(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.DecisionSchema))
    def get(self, args, estate_id):
        """Joint-meeting decisions about the estate, newest meeting first, with the minutes."""
        return lists.decisions(current_user(), estate_id, **args)


@blp.route("/estates/<int:estate_id>/meeting-minutes/<int:minutes_id>")
class Minutes(MethodView):
    decorators = [login_required]

    @blp.doc(**download_doc(MINUTES_SUFFIXES))
    def get(self, estate_id, minutes_id):
        """The minutes of a joint meeting that decided something about the estate."""
        row = lists.minutes(current_user(), estate_id, minutes_id)
        return storage.send(row.storage_key, row.content_type, row.name)
