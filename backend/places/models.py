"""The administrative tree and each estate's unit register."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db


class County(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Township(db.Model):
    __table_args__ = (UniqueConstraint("county_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    county: Mapped[County] = relationship()


class Community(db.Model):
    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    township: Mapped[Township] = relationship()


class PropertyCompany(db.Model):
    """A property service company (物业服务企业) registered in a county."""

    __table_args__ = (UniqueConstraint("county_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # 统一社会信用代码 (18 characters), when known.
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)


class Estate(db.Model):
    """A residential estate. township_id and county_id are copied from its community so
    scope filters are one indexed comparison instead of three joins."""

    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    # Committee approvals a ledger period needs here; None = the county default in config.
    ledger_approvals_required: Mapped[int | None]
    property_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("property_company.id"), index=True
    )
    community: Mapped[Community] = relationship()
    property_company: Mapped[PropertyCompany | None] = relationship()


class Building(db.Model):
    __table_args__ = (UniqueConstraint("estate_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))


class Unit(db.Model):
    """One exclusive part. Area is an integer in dm² (0.01 m²) so sums stay exact."""

    __table_args__ = (
        UniqueConstraint("building_id", "number"),
        CheckConstraint("area_dm2 > 0", name="area_positive"),
        Index("ix_unit_estate_building", "estate_id", "building_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    number: Mapped[str] = mapped_column(String(32))
    floor: Mapped[int | None]
    area_dm2: Mapped[int]
    is_developer_unsold: Mapped[bool] = mapped_column(default=False)
    # 产权人: the owner of record from the housing authority, if the register carries it.
    # Claims are checked against it (match / no match); it is never shown to a claimant.
    owner_of_record_name: Mapped[str | None] = mapped_column(String(64))
    building: Mapped[Building] = relationship()

    @property
    def label(self) -> str:
        return f"{self.building.name}{self.number}"
