"""Leave as attendance reads it: one period per leave case, with its dates and status.

The contract attendance relies on (``LeavePeriod``, ``leave_periods_of``); until leave requests
carry dates, no period is known and every absence counts as 旷课.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LeavePeriod:
    instance_id: int
    person_id: int
    leave_type: str
    start: date
    start_half: str  # 'am' | 'pm'
    end: date
    end_half: str  # 'am' | 'pm'
    days: Decimal
    status: str  # requested | approved | refused | withdrawn | returned | overstay
    returned_on: date | None
    overstay_days: Decimal


def leave_periods_of(session: Session, person_id: int, start: date,
                     end: date) -> list[LeavePeriod]:
    """The person's leave periods that overlap ``start``..``end``."""
    return []
