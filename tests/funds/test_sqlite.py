"""The fund on SQLite, the embedded default: a statement imported, an emergency repair signed,
paid and apportioned, and the chain verified, on a schema built by the migrations. (The vote
helpers move a motion's times with SQL date arithmetic that SQLite lacks; the vote path is the
same code after the motion is read.)"""

from backend.extensions import db
from tests import factories
from tests.fund_support import FundApi, build_fund_cast


def test_an_emergency_repair_is_paid_and_verified_on_sqlite(sqlite_app):
    cast = build_fund_cast(factories)
    fund = FundApi(sqlite_app.test_client(), factories.auth_headers, cast)
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_emergency(budget_fen=1_000_001)))
    response = fund.pay(project["id"], amount_fen=1_000_001)
    assert response.status_code == 201, response.json
    shares = {a["unit_id"]: a["amount_fen"] for a in response.json["allocations"]}
    assert shares == {cast.unit_a.id: -666_667, cast.unit_b.id: -333_334}
    verified = fund.get(cast.owner, "/fund/verify").json
    assert verified["ok"] is True and verified["head_hash"] == response.json["hash"]
    db.session.remove()
