"""The 序时 rule: its basis and thresholds (a small module: the store keeps it with the data
and reads it at every open, without the indicator reader ``store.schedule`` needs)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from store.words import listing, quote, say

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
            raise ValueError(
                say("schedule.bad_basis", basis=quote(self.basis), choices=listing(BASES))
            )
        if not 0 <= self.slow <= self.on_time <= self.ahead:
            raise ValueError(
                say("schedule.stored_order", slow=self.slow, on_time=self.on_time, ahead=self.ahead)
            )
        if not (0 <= self.slow_points <= self.late_points and self.ahead_points >= 0):
            raise ValueError(
                say("schedule.stored_points", slow=self.slow_points, late=self.late_points)
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
                raise ValueError(say("schedule.stored_not_number", name=f.name, value=quote(value)))
            else:
                values[f.name] = float(value)
        return cls(**values)


DEFAULT_SETTINGS = ScheduleSettings()


#: the bases as people choose them
BASIS_LABELS: dict[str, str] = {"ratio": "比例", "points": "百分点"}
#: the most a threshold may be: a ratio in percent of plan, points of the target
_RATIO_MAX = 1000.0
_POINTS_MAX = 100.0


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def thresholds_of(settings: ScheduleSettings, basis: str | None = None) -> tuple[float, ...]:
    """The three thresholds of a basis (the settings' own by default) as people write them,
    descending: percent of plan (110, 90, 70), or points of the target against plan
    (10, -10, -30: at least 10 above is 超序时, less than 10 below 按序时, at most 30 below
    慢序时)."""
    if (basis or settings.basis) == "points":
        return (settings.ahead_points, -settings.slow_points, -settings.late_points)
    return tuple(round(v * 100, 6) for v in (settings.ahead, settings.on_time, settings.slow))


def parse_thresholds(text: str) -> tuple[float, ...]:
    """'110,90,70' (or with ，、 spaces and %) as three numbers; ValueError with a one-line
    message in the product's words otherwise."""
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace("%", "").split(",")]
    try:
        values = tuple(float(p.strip()) for p in parts)
    except ValueError:
        raise ValueError(say("schedule.bad_thresholds", text=quote(text))) from None
    if len(values) != 3 or any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise ValueError(say("schedule.bad_thresholds", text=quote(text)))
    return values


def with_thresholds(
    settings: ScheduleSettings, basis: str | None = None, thresholds: tuple[float, ...] = ()
) -> ScheduleSettings:
    """The settings with another basis and/or that basis's three thresholds (as
    ``thresholds_of`` writes them). ValueError, with a one-line message, when the basis is
    unknown or the thresholds are not three, strictly descending, and in range (ratio: 0 to
    1000 percent; points: -100 to 100, the first at least 0, the second at most 0)."""
    basis = basis or settings.basis
    if basis not in BASES:
        raise ValueError(say("schedule.bad_basis", basis=quote(basis), choices=listing(BASES)))
    if not thresholds:
        return replace(settings, basis=basis)
    if len(thresholds) != 3:
        raise ValueError(say("schedule.three"))
    first, second, third = thresholds
    shown = ",".join(_shown(v) for v in thresholds)
    if not first > second > third:
        raise ValueError(say("schedule.descending", shown=shown))
    if basis == "ratio":
        if third < 0 or first > _RATIO_MAX:
            raise ValueError(say("schedule.ratio_range", shown=shown, limit=_shown(_RATIO_MAX)))
        return replace(settings, basis=basis, ahead=float(first) / 100,
                       on_time=float(second) / 100, slow=float(third) / 100)  # fmt: skip
    if first < 0 or second > 0 or third < -_POINTS_MAX or first > _POINTS_MAX:
        raise ValueError(say("schedule.points_range", shown=shown))
    return replace(settings, basis=basis, ahead_points=float(first),
                   slow_points=float(-second), late_points=float(-third))  # fmt: skip


def rule_text(settings: ScheduleSettings) -> str:
    """The rule in one line, as the command line and the app show it."""
    if settings.basis == "points":
        ahead, on_time, slow = (_shown(abs(v)) for v in thresholds_of(settings))
        return (
            f"序时规则（按百分点）：高出计划 {ahead} 点以上 超序时，低于计划不足 {on_time} 点 "
            f"按序时，低 {on_time}-{slow} 点 慢序时，低 {slow} 点以上 滞后"
        )
    ahead, on_time, slow = (_shown(v) for v in thresholds_of(settings))
    return f"序时规则（按比例）：≥{ahead}% 超序时，≥{on_time}% 按序时，≥{slow}% 慢序时，更低 滞后"
