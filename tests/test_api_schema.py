"""The OpenAPI document tells the truth: schemathesis sends every operation generated requests,
as an owner, a committee chair and a county officer of the demo county's first estate, and
checks that nothing answers 500 and every answer matches what the document declares.

Path ids are mostly real ones of that estate (or its county), so the operations are exercised
beyond their 404. Everything runs in the test's rolled-back savepoint, like any other test;
WeChat is the fake server."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from backend import create_app
from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts.models import User
from backend.claims.models import Claim
from backend.extensions import db
from backend.funds.models import RepairDocument, RepairProject, RepairQuote
from backend.governance.credit.models import CreditPenalty
from backend.governance.meetings.models import AgendaItem, MeetingMinutes
from backend.governance.problems.models import ProblemEvidence, ProblemItem
from backend.governance.ratings.models import EstateRating
from backend.group_chats.models import GroupChat
from backend.ledger.models import LedgerEntry, LedgerPeriod, LedgerQuestion, LedgerVoucher
from backend.notices.models import NoticeAttachment, NoticeEstate
from backend.places.models import Building, Estate
from backend.tickets.models import Ticket, TicketPhoto
from backend.votes.models import Motion, MotionAttachment
from tests.factories import auth_headers
from tests.isolation import end_test_transaction

# Examples per operation; each example is sent once per identity. At this count the whole
# module costs under a minute on one worker (demo county included).
EXAMPLES = 12
IDENTITIES = ("owner", "chair", "county officer")
CHECKS = [not_a_server_error, response_schema_conformance]


def _document() -> dict:
    """The document as the app serves it (no database needed to build it)."""
    return create_app({"TESTING": True}).test_client().get("/api/openapi.json").get_json()


# Generated examples only: the coverage phase's boundary cases would be ten times as many
# requests, past the two minutes this module may take.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)
# Filled by the module's cast before any example is drawn.
REAL_IDS: dict[str, list[int]] = {}


@schema.hook
def flatmap_path_parameters(ctx, parameters):
    """Mostly a real id of the estate; now and then the generated one."""
    if not parameters:
        return st.just(parameters)
    return st.fixed_dictionaries(
        {
            name: (st.sampled_from(REAL_IDS[name]) | st.just(value))
            if REAL_IDS.get(name)
            else st.just(value)
            for name, value in parameters.items()
        }
    )


def _real_ids(estate: Estate) -> dict[str, list[int]]:
    """Each path parameter's ids that exist in ``estate`` (or, for the county's own rows, in
    its county)."""

    def ids(column, *where):
        return list(db.session.scalars(select(column).where(*where).order_by(column).limit(20)))

    e = estate.id
    return {
        "estate_id": [e],
        "county_id": [estate.county_id],
        "claim_id": ids(Claim.id, Claim.estate_id == e),
        "building_id": ids(Building.id, Building.estate_id == e),
        "rating_id": ids(EstateRating.id, EstateRating.estate_id == e),
        "period_id": ids(LedgerPeriod.id, LedgerPeriod.estate_id == e),
        "entry_id": ids(LedgerEntry.id, LedgerEntry.estate_id == e),
        "question_id": ids(LedgerQuestion.id, LedgerQuestion.estate_id == e),
        "voucher_id": ids(LedgerVoucher.id, LedgerVoucher.estate_id == e),
        "group_id": ids(GroupChat.id, GroupChat.estate_id == e),
        "motion_id": ids(Motion.id, Motion.estate_id == e),
        "attachment_id": ids(MotionAttachment.id, MotionAttachment.estate_id == e)
        + ids(NoticeAttachment.id, NoticeAttachment.notice_id.is_not(None)),
        "notice_id": ids(NoticeEstate.notice_id, NoticeEstate.estate_id == e),
        "company_id": [estate.property_company_id] if estate.property_company_id else [],
        "penalty_id": ids(CreditPenalty.id, CreditPenalty.property_company_id.is_not(None)),
        "photo_id": ids(TicketPhoto.id, TicketPhoto.estate_id == e)
        + ids(
            ProblemEvidence.id,
            ProblemEvidence.problem_id.in_(
                select(ProblemItem.id).where(ProblemItem.estate_id == e)
            ),
        ),
        "minutes_id": ids(
            MeetingMinutes.id,
            MeetingMinutes.meeting_id.in_(
                select(AgendaItem.meeting_id).where(AgendaItem.estate_id == e)
            ),
        ),
        "ticket_id": ids(Ticket.id, Ticket.estate_id == e),
        "project_id": ids(RepairProject.id, RepairProject.estate_id == e),
        "quote_id": ids(
            RepairQuote.id,
            RepairQuote.project_id.in_(
                select(RepairProject.id).where(RepairProject.estate_id == e)
            ),
        ),
        "document_id": ids(RepairDocument.id, RepairDocument.estate_id == e),
    }


def _repair_project(estate: Estate, chair: User) -> None:
    """A draft repair project with a quote and a photo, so the fund's project operations are
    exercised beyond their 404 (the demo may have none in this estate)."""
    from backend.funds import documents, projects
    from tests.ledger_support import png_bytes

    building_id = db.session.scalar(select(Building.id).where(Building.estate_id == estate.id))
    body = {
        "title": "屋面防水维修",
        "scope": "屋面防水层翻新。",
        "category": "roof_wall_leak",
        "path": "vote",
        "budget_fen": 3_000_000,
        "building_ids": [building_id],
    }
    project = projects.create_project(chair, estate.id, body)
    projects.add_quote(chair, estate.id, project.id, {"contractor": "甲公司", "amount_fen": 100})
    documents.upload(chair, estate.id, project.id, "progress_photo", "", "a.png", png_bytes())


@pytest.fixture(scope="module")
def cast(demo_county, in_module):
    """The people who act (ids), after the real ids of demo estate 1 went to REAL_IDS."""

    def build(make):
        # The demo's names number its estates 1–8; their ids depend on what ran before.
        people = {
            "owner": select(User.id).where(User.openid == "demo-owner-1-1"),
            "chair": select(User.id).where(User.openid == "demo-chair-1"),
            "county officer": select(User.id).where(User.username == "county"),
        }
        people = {who: db.session.scalar(query) for who, query in people.items()}
        assert None not in people.values(), people
        estate = db.session.get(
            Estate,
            db.session.scalar(
                select(Membership.estate_id).where(
                    Membership.user_id == people["chair"], Membership.role == Role.COMMITTEE_CHAIR
                )
            ),
        )
        _repair_project(estate, db.session.get(User, people["chair"]))
        return _real_ids(estate), people

    real_ids, people = in_module(build)
    REAL_IDS.update(real_ids)
    return people


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_documented(case, app, cast):
    for who in IDENTITIES:
        headers = auth_headers(db.session.get(User, cast[who]))
        end_test_transaction()
        with app.app_context():  # each request its own context, as FreshContextClient does
            response = case.call(headers=headers, app=app)
        case.validate_response(response, checks=CHECKS, headers=headers)
