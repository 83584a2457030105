"""What the validator returns: violations by rule id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

#: Every rule the validator checks. The first group are the district's operating rules
#: (docs/rules.md); the last three
#: are the plan's own consistency (a plan must be physically possible and self-consistent before
#: the rules mean anything).
RULES: Mapping[str, str] = {
    "SH1": "three shifts: a vehicle works a shift at most once, a crew one shift, within its hours",
    "SH2": "handover: a truck changes crew at its depot, empty, with the handover time",
    "CT1": "sealed bodies: each stream only in the bodies allowed to carry it",
    "CT2": "no mixing: one trip carries one stream",
    "CT3": "right destination: unload where the stream is accepted, while open, within capacity",
    "CT4": "never parked loaded: every trip ends unloaded before the shift ends",
    "CT5": "on-board time: from first pickup to unloading within the limit",
    "CT6": "restricted zones and narrow points: vehicle size and hours",
    "CP": "capacity: weight and volume on board within the body's capacity",
    "DL": "daily limits: what a vehicle collects and the visits it makes in a day",
    "TW": "time windows: service starts within a window of the point",
    "FQ": "frequency: each daily visit once, a point's visits in different shifts",
    "ALL": "every required visit is served or listed as unserved with a reason",
    "TH": "transfer haul: station storage never overflows; full containers, landfill open",
    "REF": "references: every id in the plan names a record of the problem",
    "TIME": "schedule: travel, service and tipping times are physically possible",
    "LOAD": "loads: the loads the plan states agree with the amounts collected",
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which rule, which record, and a sentence saying what is wrong."""

    rule: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.record}: {self.message}"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every violation found in a plan; a plan is valid when there are none."""

    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """Whether the plan keeps every rule."""
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        """How many violations each rule has (rules without violations are left out)."""
        return dict(Counter(v.rule for v in self.violations))

    def rules_broken(self) -> frozenset[str]:
        """The ids of the rules with at least one violation."""
        return frozenset(v.rule for v in self.violations)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form of the report."""
        return {
            "ok": self.ok,
            "by_rule": self.by_rule(),
            "violations": [
                {"rule": v.rule, "record": v.record, "message": v.message} for v in self.violations
            ],
        }
