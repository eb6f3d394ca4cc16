"""Delivery figures under /api/v1 for staff and monitors: each estate's outbox rows by status
(the figures the console's estate page shows). Its view joins the group chats' blueprint,
whose messages these are."""

from flask.views import MethodView

from backend.accounts.auth import current_user, login_required
from backend.group_chats.api import blp
from backend.outbox import counts, schemas


@blp.route("/outbox/status-counts")
class OutboxStatusCounts(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.StatusCountArgs, location="query")
    @blp.response(200, schemas.StatusCountPageSchema)
    def get(self, args):
        """Messages to group chats and people by delivery status, per estate in my scope and
        over all of them (`overall.unsent` 0: nothing left to send). Staff, committees and
        property managers; 403 for anyone else."""
        return counts.scope_counts(current_user(), **args)
