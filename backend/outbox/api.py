"""Delivery figures under /api/v1 for staff and monitors: each estate's outbox rows by status
(the figures the console's estate page shows), a group chat's test message and its liveness.
Its views join the group chats' blueprint, whose messages these are."""

from flask.views import MethodView

from backend.accounts.auth import current_user, login_required
from backend.group_chats.api import blp
from backend.outbox import counts, group_checks, schemas


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


@blp.route("/group-chats/<int:group_id>/test-messages")
class GroupChatTestMessages(MethodView):
    decorators = [login_required]

    @blp.response(201, schemas.TestMessageSchema)
    def post(self, group_id):
        """Send the group a test message through the outbox (the bot's own delivery path);
        its status shows in the group's liveness. 409 while the last test is still sending or
        the group is switched off."""
        return group_checks.send_test_message(current_user(), group_id)


@blp.route("/estates/<int:estate_id>/group-chats/liveness")
class EstateGroupLiveness(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.EstateLivenessSchema)
    def get(self, estate_id):
        """The estate's group chats with what reached each in the last 30 days, members
        (recorded, else owners bound to WeCom), last activity and the last test message."""
        return group_checks.estate_liveness(current_user(), estate_id)
