"""Roles and the kind of place each one is held on."""

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    COMMITTEE_MEMBER = "committee_member"
    COMMITTEE_CHAIR = "committee_chair"
    PROPERTY_MANAGER = "property_manager"
    AUDITOR = "auditor"
    TOWNSHIP_OFFICER = "township_officer"
    COUNTY_OFFICER = "county_officer"
    ADMIN = "admin"


class ScopeKind(StrEnum):
    UNIT = "unit"
    ESTATE = "estate"
    COMMUNITY = "community"
    TOWNSHIP = "township"
    COUNTY = "county"


SCOPE_OF_ROLE = {
    Role.OWNER: ScopeKind.UNIT,
    Role.COMMITTEE_MEMBER: ScopeKind.ESTATE,
    Role.COMMITTEE_CHAIR: ScopeKind.ESTATE,
    Role.PROPERTY_MANAGER: ScopeKind.ESTATE,
    Role.AUDITOR: ScopeKind.COMMUNITY,
    Role.TOWNSHIP_OFFICER: ScopeKind.TOWNSHIP,
    Role.COUNTY_OFFICER: ScopeKind.COUNTY,
    Role.ADMIN: ScopeKind.COUNTY,
}

ROLE_LABELS = {
    Role.OWNER: "业主",
    Role.COMMITTEE_MEMBER: "业委会委员",
    Role.COMMITTEE_CHAIR: "业委会主任",
    Role.PROPERTY_MANAGER: "物业项目经理",
    Role.AUDITOR: "社区业账监管员",
    Role.TOWNSHIP_OFFICER: "街道（乡镇）干部",
    Role.COUNTY_OFFICER: "住建局干部",
    Role.ADMIN: "系统管理员",
}

# Who may verify owners' claims on an estate's units.
VERIFIER_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.PROPERTY_MANAGER)
# Who may replace an estate's unit register.
REGISTER_ROLES = (*VERIFIER_ROLES, Role.ADMIN)
# Roles that sign in to the console with a password.
STAFF_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
# Who may post notices: estate roles to their estate; officers to any place in their scope.
NOTICE_AUTHOR_ROLES = (
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.PROPERTY_MANAGER,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)
# Who registers an estate's group chats: its committee and the officers above it (the
# property company is what the group supervises, so it does not hold the keys).
GROUP_CHAT_ROLES = (
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)
