"""The 序时 rule: its basis and thresholds (a small module: the store keeps it with the data
and reads it at every open, without the indicator reader ``store.schedule`` needs)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

#: How an indicator is measured against its plan: "ratio" (actual / planned) or "points"
#: (percentage points of the target between actual and planned, as 银川 colours them).
BASES: tuple[str, ...] = ("ratio", "points")


@dataclass(frozen=True)
class ScheduleSettings:
    """The rule: its basis and thresholds. Kept with the report, so everyone judges alike."""

    basis: str = "ratio"
    #: ratio basis: at least this ratio is 超序时, ...
    ahead: float = 1.10
    #: ... at least this 按序时, ...
    on_time: float = 0.90
    #: ... at least this 慢序时; below it 滞后
    slow: float = 0.70
    #: points basis: at least this many points of the target above plan is 超序时, ...
    ahead_points: float = 10.0
    #: ... fewer than this many below plan 按序时, ...
    slow_points: float = 10.0
    #: ... at most this many below plan 慢序时; more 滞后
    late_points: float = 30.0

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"序时 basis {self.basis!r} is not one of {', '.join(BASES)}")
        if not 0 <= self.slow <= self.on_time <= self.ahead:
            raise ValueError(
                f"序时 thresholds must rise: slow {self.slow} <= on_time {self.on_time} "
                f"<= ahead {self.ahead}"
            )
        if not (0 <= self.slow_points <= self.late_points and self.ahead_points >= 0):
            raise ValueError(
                f"序时 points must be >= 0 and slow {self.slow_points} <= late {self.late_points}"
            )

    def to_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ScheduleSettings:
        """Build from the stored form; missing keys take the default, unknown ones are ignored.

        Raises ValueError for a value of the wrong type or out of order.
        """
        if not data:
            return cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name == "basis":
                values[f.name] = str(value)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"序时 setting {f.name} must be a number, not {value!r}")
            else:
                values[f.name] = float(value)
        return cls(**values)


DEFAULT_SETTINGS = ScheduleSettings()
