"""Me and owners' claims. The views join the accounts blueprint: the API documents them
there, and accounts does not import claims."""

from flask.views import MethodView

from backend.accounts.api import blp
from backend.accounts.auth import current_user, login_required
from backend.claims import schemas, services
from backend.common.pagination import page_schema


@blp.route("/me")
class Me(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.MeSchema)
    def get(self):
        """My roles and my claims."""
        return services.profile(current_user())


@blp.route("/estates/<int:estate_id>/claims")
class EstateClaims(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.ClaimListArgs, location="query")
    @blp.response(200, page_schema(schemas.ClaimSchema))
    def get(self, args, estate_id):
        """Claims on the estate: all of them for its verifiers, my own for anyone else."""
        return services.list_claims(current_user(), estate_id, **args)

    @blp.arguments(schemas.ClaimCreateArgs)
    @blp.response(201, schemas.ClaimSchema)
    def post(self, args, estate_id):
        """Claim a unit of the estate; the committee or property manager verifies it."""
        return services.create_claim(current_user(), estate_id, **args)


@blp.route("/claims/<int:claim_id>")
class ClaimItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.ClaimDetailSchema)
    def get(self, claim_id):
        """One claim in full for its estate's committee and manager (the read is recorded),
        with how the name compares with the register's owner of record; or my own claim."""
        return services.claim_detail(current_user(), claim_id)


@blp.route("/claims/<int:claim_id>/verify")
class VerifyClaim(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.ClaimSchema)
    def post(self, claim_id):
        """Verify a claim against the unit register: the claimant becomes an owner."""
        return services.verify_claim(current_user(), claim_id)


@blp.route("/claims/<int:claim_id>/reject")
class RejectClaim(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RejectArgs)
    @blp.response(200, schemas.ClaimSchema)
    def post(self, args, claim_id):
        """Reject a claim with a reason the claimant will see."""
        return services.reject_claim(current_user(), claim_id, args["reason"])
