"""Declarative base, naming convention and the custom column types.

Money is held as integer pence in the database and as ``Decimal`` pounds in Python,
so no float ever touches a sum of money.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Integer, MetaData, String, Time
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
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
