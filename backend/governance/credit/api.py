"""Credit penalties (失信惩戒) under /api/v1: a property company's public credit page
(企业信用公示), and recording and revoking penalties (evidence files through the console)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common.pagination import page_schema
from backend.governance.credit import queries, schemas, services

blp = Blueprint("governance", __name__, url_prefix="/api/v1", description="失信惩戒与企业信用")


@blp.route("/property-companies")
class PublicCompanies(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.CompanySearchArgs, location="query")
    @blp.response(200, page_schema(schemas.CompanySummarySchema))
    def get(self, args):
        """Property companies of my county (of every estate I belong to or supervise), by
        name, with their credit scores: each one's credit page is open to me."""
        return queries.public_page(current_user(), **args)


@blp.route("/property-companies/<int:company_id>/credit")
class CompanyCredit(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.CreditSchema)
    def get(self, company_id):
        """The company's credit score and penalties, newest first (anyone who belongs to or
        supervises an estate of its county, or an estate it serves; 404 otherwise)."""
        return queries.public_credit(current_user(), company_id)


@blp.route("/property-companies/<int:company_id>/penalties")
class CompanyPenalties(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.PenaltyArgs)
    @blp.response(201, schemas.PenaltySchema)
    def post(self, args, company_id):
        """Record a penalty (county officers; township officers naming an estate of theirs)."""
        return services.record_penalty(current_user(), company_id, args)


@blp.route("/credit-penalties/<int:penalty_id>/revoke")
class RevokePenalty(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RevokeArgs)
    @blp.response(200, schemas.PenaltySchema)
    def post(self, args, penalty_id):
        """Revoke a mistaken penalty with a reason; it stays on record as 已撤销."""
        return services.revoke_penalty(current_user(), penalty_id, args["reason"])
