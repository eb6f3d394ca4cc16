"""The dashboards' roll-ups: each closed month's ticket figures, added up once per place at
every level (county, township, community, estate), so a county's year is 12 rows to read
instead of every ticket of the year. Kept by a job (targets/rollups.py), never by the ticket
services; a month is read from here only once a build has recorded it in ``rollup_month``."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db


class RollupMonth(db.Model):
    """A closed month whose figures are built, when the build started and the last ticket it
    could see: a ticket changed since (a late reply, a rating, a reopen) or added since with
    an earlier date (an import) marks the month for rebuild."""

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day (Shanghai)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_ticket_id: Mapped[int] = mapped_column(Integer)


class PlaceMonthFigures(db.Model):
    """The tickets created in one month (Shanghai) in one place, counted as
    ``backend.governance.targets.tickets`` counts them live. ``parent_id`` is the place one
    level up, as the tickets record it (None for a county), so a dashboard's children are one
    indexed range."""

    __table_args__ = (
        Index("ix_place_month_figures_place", "kind", "place_id", "month"),
        Index("ix_place_month_figures_parent", "kind", "parent_id", "month"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # county | township | community | estate
    place_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[date] = mapped_column(Date, index=True)  # its first day (Shanghai)
    tickets: Mapped[int] = mapped_column(Integer)
    hotline: Mapped[int] = mapped_column(Integer)
    replied: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    rated: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)


FACTS = (
    # the register at the month's last day (as register/figures.py counts it that day)
    "party_covered",
    "committees",
    "party_led",
    "reelection_due",
    # joint meetings held in the month and their items (as meetings/figures.py counts them)
    "meetings_held",
    "items_decided",
    "disputes",
    "disputes_resolved",
    # problem-list items recorded, closed out, and closed out by the deadline in the month
    "problems_created",
    "problems_closed",
    "problems_closed_on_time",
)


class PlaceMonthFacts(db.Model):
    """The rest of a closed month for a county, township or community: the register at its
    end, its joint meetings and its problem list. Several rows may hold one place's month
    (one per source: register, meetings, problems; zeros elsewhere), so readers add them up.
    Estates are always counted live: one estate's records are a few indexed rows."""

    __table_args__ = (
        Index("ix_place_month_facts_place", "kind", "place_id", "month"),
        Index("ix_place_month_facts_parent", "kind", "parent_id", "month"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # county | township | community
    place_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[date] = mapped_column(Date, index=True)  # its first day (Shanghai)
    party_covered: Mapped[int] = mapped_column(Integer, default=0)
    committees: Mapped[int] = mapped_column(Integer, default=0)
    party_led: Mapped[int] = mapped_column(Integer, default=0)
    reelection_due: Mapped[int] = mapped_column(Integer, default=0)
    meetings_held: Mapped[int] = mapped_column(Integer, default=0)
    items_decided: Mapped[int] = mapped_column(Integer, default=0)
    disputes: Mapped[int] = mapped_column(Integer, default=0)
    disputes_resolved: Mapped[int] = mapped_column(Integer, default=0)
    problems_created: Mapped[int] = mapped_column(Integer, default=0)
    problems_closed: Mapped[int] = mapped_column(Integer, default=0)
    problems_closed_on_time: Mapped[int] = mapped_column(Integer, default=0)
