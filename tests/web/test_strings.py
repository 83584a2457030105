"""The pages' strings: one table (api/web/i18n.js), every key the pages use in both languages."""

from __future__ import annotations

import re
import typing

from api.deps import Role
from api.routes.web import WEB_DIR
from api.schemas.plans import JobStatus
from routing.domain import FacilityKind, WasteStream
from routing.validation.report import RULES

ENTRY = re.compile(r"^\s*'([\w.-]+)': \['([^']*)', '([^']*)'\],$", re.MULTILINE)
USED = (
    re.compile(r"""\bt\('([\w.-]+)'"""),
    re.compile(r"""data-i18n(?:-title|-placeholder)?="([\w.-]+)\""""),
    re.compile(r"""'data-i18n': '([\w.-]+)'"""),
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def strings() -> dict[str, tuple[str, str]]:
    """The table: key → (zh-CN, English)."""
    text = (WEB_DIR / "i18n.js").read_text()
    found = {key: (zh, en) for key, zh, en in ENTRY.findall(text)}
    assert len(found) == text.count("': ['"), "every entry is one line: 'key': ['中文', 'English'],"
    return found


def test_every_string_has_both_languages() -> None:
    table = strings()
    assert len(table) > 100
    for key, (zh, en) in table.items():
        assert zh and en, key
        if CJK.search(en) is None and not key.startswith("kpi.co2"):
            assert CJK.search(zh), f"{key}: the zh-CN text has no Chinese: {zh!r}"


def test_every_key_the_pages_use_is_in_the_table() -> None:
    table = strings()
    used: set[str] = set()
    for path in [*WEB_DIR.glob("*.js"), *WEB_DIR.glob("*.html")]:
        text = path.read_text()
        for pattern in USED:
            used |= set(pattern.findall(text))
    assert len(used) > 80
    assert sorted(used - set(table)) == []


def test_keys_built_from_the_domain_are_in_the_table() -> None:
    table = strings()
    families = {
        "job": typing.get_args(JobStatus),
        "role": [r.value for r in Role],
        "stream": [s.value for s in WasteStream],
        "place": ["depot", *(k.value for k in FacilityKind)],
        "rule": list(RULES),
        "reason": ["blocked", "no-access", "bin-missing", "empty", "other"],
    }
    missing = [
        f"{p}.{v}" for p, values in families.items() for v in values if f"{p}.{v}" not in table
    ]
    assert missing == []
