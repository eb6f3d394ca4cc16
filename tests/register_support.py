"""Helpers of the estate-register tests: terms, members and branches written through the
services (rules applied), on the places of the credit-penalty cast (governance_support)."""

from datetime import date, timedelta

from backend.governance.credit import today
from backend.governance.register import places, services


def ago(days: int) -> date:
    return today() - timedelta(days=days)


def term(user, estate, formed_on=None, chair_party=False, chair_secretary=False, **fields):
    args = {
        "formed_on": formed_on or ago(100),
        "chair_name": fields.pop("chair_name", "林国栋"),
        "chair_phone": fields.pop("chair_phone", "13805951234"),
        "chair_is_party_member": chair_party,
        "chair_is_branch_secretary": chair_secretary,
        **fields,
    }
    return services.record_committee(user, estate.id, args)


def member(user, committee, name="陈美玲", role="member", party=False, secretary=False, **fields):
    args = {
        "name": name,
        "phone": fields.pop("phone", ""),
        "role": role,
        "is_party_member": party,
        "is_branch_secretary": secretary,
        "joined_on": fields.pop("joined_on", committee.formed_on),
        **fields,
    }
    return services.add_member(user, committee.estate_id, committee.id, args)


def branch(user, estate, established_on=None, others=(), name="阳光小区党支部"):
    args = {
        "name": name,
        "secretary_name": "黄志强",
        "established_on": established_on or ago(400),
        "estate_ids": [e.id for e in others],
    }
    return places.add_branch(user, estate.id, args)
