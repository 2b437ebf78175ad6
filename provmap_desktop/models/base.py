"""Declarative base, naming convention and the custom column types.

Money is held as integer pence in the database and as ``Decimal`` pounds in Python,
so no float ever touches a sum of money.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Integer, MetaData, String, Time, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

PENNY = Decimal("0.01")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Money(TypeDecorator[Decimal]):
    """A sum of money: ``Decimal`` pounds in Python, integer pence in SQLite."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, _dialect: Dialect) -> int | None:
        if value is None:
            return None
        pounds = Decimal(value) if not isinstance(value, Decimal) else value
        pence = (pounds * 100).to_integral_value()
        if pence != pounds * 100:
            raise ValueError(f"money must be a whole number of pence, got {value!r}")
        return int(pence)

    def process_result_value(self, value: Any, _dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(PENNY)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        Decimal: Money(),
        dt.date: Date(),
        dt.datetime: DateTime(),
        dt.time: Time(),
        str: String(),
    }


#: The column that counts the saved versions of a row (see ``Versioned``).
ROW_VERSION = "row_version"


class Versioned:
    """A row people edit, perhaps two at once: it counts its saved versions.

    SQLAlchemy adds ``row_version`` to the ``WHERE`` of every ``UPDATE`` and ``DELETE`` of
    the row and raises ``StaleDataError`` when no row matched, so an edit made on data
    someone else has since saved is refused instead of overwriting theirs. The count is
    a storage detail: exports and the school document leave it out.
    """

    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (declared_attr gets the class)
        return {"version_id_col": cls.__table__.c.row_version}  # type: ignore[attr-defined]
