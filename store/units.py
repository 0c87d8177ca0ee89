"""牵头单位 names: how many projects each leads, and which names likely mean one unit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from store.models import Project

_PREFIXES = ("县", "市", "区", "省")
_SUFFIXES = ("局", "委", "办", "中心", "公司", "集团")


def unit_counts(projects: Iterable[Project]) -> Counter[str]:
    """Each unit (牵头单位, split) with the number of projects it leads or co-leads."""
    return Counter(unit for p in projects for unit in p.departments)


def _core(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def suggest_aliases(counts: Counter[str]) -> list[tuple[str, str]]:
    """Likely aliases (old, new): one name's core held in another's (县教育局 / 县教育体育局,
    体育局 / 县教育体育局), the name with fewer projects into the one with more. Only a hint:
    people decide, with ``units merge``."""
    names = sorted(counts, key=lambda n: (-counts[n], n))
    found: list[tuple[str, str]] = []
    for i, big in enumerate(names):
        for small in names[i + 1 :]:
            a, b = _core(small), _core(big)
            if len(a) >= 2 and len(b) >= 2 and a != b and (a in b or b in a):
                found.append((small, big))
    return found
