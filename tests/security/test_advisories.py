"""Offline dependency check: no pinned version in requirements.lock lies inside a published advisory's range.

security/advisories.yml lists the advisories (ids, affected ranges, fixed versions, sources). An affected pin
fails the test unless the entry explains, under `accepted`, why it stays; an acceptance that no longer applies
fails too, so it gets removed once the pin moves past the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
ADVISORIES = ROOT / "security" / "advisories.yml"
REQUIRED = ("package", "id", "title", "affected", "fixed", "source")


def normalise(name: str) -> str:
    """PEP 503 name: case-insensitive, runs of -_. are one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise ValueError(f"requirements.lock line is not an exact pin: {raw!r}")
        name = name.split("[", 1)[0].strip()
        pins[normalise(name)] = Version(version.split(";", 1)[0].strip())
    return pins


@dataclass(frozen=True)
class Hit:
    package: str
    pinned: Version
    advisory: str
    matched: str
    accepted: str | None


def affected_ranges(advisory: dict[str, Any]) -> list[SpecifierSet]:
    return [SpecifierSet(spec) for spec in advisory["affected"]]


def is_affected(version: Version, advisory: dict[str, Any]) -> str | None:
    """The first affected range the version lies in, or None."""
    for spec in affected_ranges(advisory):
        if spec.contains(version, prereleases=True):
            return str(spec)
    return None


def check(pins: dict[str, Version], advisories: list[dict[str, Any]]) -> list[Hit]:
    hits = []
    for adv in advisories:
        pinned = pins.get(normalise(adv["package"]))
        if pinned is None:
            continue
        matched = is_affected(pinned, adv)
        if matched is not None:
            hits.append(Hit(adv["package"], pinned, adv["id"], matched, adv.get("accepted")))
    return hits


@pytest.fixture(scope="module")
def pins() -> dict[str, Version]:
    return parse_lock(LOCK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def advisories() -> list[dict[str, Any]]:
    data = yaml.safe_load(ADVISORIES.read_text(encoding="utf-8"))
    return list(data["advisories"])


def test_advisory_entries_are_well_formed(advisories: list[dict[str, Any]]) -> None:
    assert advisories, "security/advisories.yml lists no advisories"
    seen = set()
    for adv in advisories:
        missing = [key for key in REQUIRED if not adv.get(key)]
        assert not missing, f"{adv.get('id')}: missing {missing}"
        key = (normalise(adv["package"]), adv["id"])
        assert key not in seen, f"duplicate entry {key}"
        seen.add(key)
        assert str(adv["source"]).startswith("https://"), f"{adv['id']}: source must be a URL"
        try:
            affected_ranges(adv)
            fixed = [Version(str(v)) for v in adv["fixed"]]
        except (InvalidSpecifier, InvalidVersion) as exc:
            pytest.fail(f"{adv['id']}: {exc}")
        for version in fixed:
            assert is_affected(version, adv) is None, f"{adv['id']}: fixed version {version} lies in an affected range"
        if "accepted" in adv:
            assert str(adv["accepted"] or "").strip(), f"{adv['id']}: `accepted` needs a reason"


def test_every_advisory_names_a_pinned_package(pins: dict[str, Version], advisories: list[dict[str, Any]]) -> None:
    unknown = sorted({adv["package"] for adv in advisories if normalise(adv["package"]) not in pins})
    assert not unknown, f"advisories for packages not in requirements.lock (typo, or the package left): {unknown}"


def test_the_rasa_and_sanic_advisories_are_fixed_in_the_pins(
    pins: dict[str, Version], advisories: list[dict[str, Any]]
) -> None:
    for package, ids in {"rasa": {"GHSA-cpv4-ggrr-7j9v"}, "sanic": {"GHSA-8cw9-5hmv-77w6"}}.items():
        listed = {adv["id"] for adv in advisories if normalise(adv["package"]) == package}
        assert ids <= listed, f"{package}: expected advisories {ids - listed} in security/advisories.yml"
    hits = [
        hit for hit in check(pins, advisories) if hit.package in ("rasa", "rasa-sdk", "sanic") or "sanic" in hit.package
    ]
    assert not hits, f"Rasa/Sanic pins inside an advisory range (these are never accepted): {hits}"


def test_no_pinned_version_lies_in_an_affected_range(
    pins: dict[str, Version], advisories: list[dict[str, Any]]
) -> None:
    unaccepted = [hit for hit in check(pins, advisories) if not hit.accepted]
    assert not unaccepted, "pinned versions inside advisory ranges:\n" + "\n".join(
        f"  {h.package}=={h.pinned}: {h.advisory} (affected {h.matched})" for h in unaccepted
    )


def test_accepted_exposures_still_apply(pins: dict[str, Version], advisories: list[dict[str, Any]]) -> None:
    hit_ids = {(normalise(h.package), h.advisory) for h in check(pins, advisories)}
    stale = [
        f"{adv['package']} {adv['id']}"
        for adv in advisories
        if adv.get("accepted") and (normalise(adv["package"]), adv["id"]) not in hit_ids
    ]
    assert not stale, f"`accepted` on advisories that no longer affect the pin; drop the acceptance: {stale}"


# The checker itself, on made-up data, so that these tests can fail.
FAKE_ADVISORY = {
    "package": "Example_Pkg",
    "id": "TEST-0001",
    "title": "made up",
    "affected": ["<1.0.5", ">=2.0,<2.3.1"],
    "fixed": ["1.0.5", "2.3.1"],
    "source": "https://example.invalid/TEST-0001",
}


@pytest.mark.parametrize("version", ["0.9", "1.0.4", "2.0.0", "2.3.0", "2.1.0a1"])
def test_checker_flags_a_version_inside_a_range(version: str) -> None:
    hits = check(parse_lock(f"example-pkg=={version}\n"), [FAKE_ADVISORY])
    assert [(h.advisory, str(h.pinned)) for h in hits] == [("TEST-0001", version)]
    assert hits[0].accepted is None


@pytest.mark.parametrize("version", ["1.0.5", "1.9", "2.3.1", "3.0"])
def test_checker_passes_a_version_outside_every_range(version: str) -> None:
    assert check(parse_lock(f"example.pkg=={version}\n"), [FAKE_ADVISORY]) == []


def test_checker_reports_an_unaccepted_hit_as_a_failure() -> None:
    pins = parse_lock("# comment\nExample-Pkg==1.0.0\nother==9\n")
    with pytest.raises(AssertionError, match=re.escape("Example_Pkg==1.0.0: TEST-0001")):
        test_no_pinned_version_lies_in_an_affected_range(pins, [FAKE_ADVISORY])
    accepted = {**FAKE_ADVISORY, "accepted": "explained"}
    test_no_pinned_version_lies_in_an_affected_range(pins, [accepted])
    with pytest.raises(AssertionError, match="no longer affect"):
        test_accepted_exposures_still_apply(parse_lock("example-pkg==1.0.5\n"), [accepted])


def test_lock_parser_rejects_unpinned_lines() -> None:
    with pytest.raises(ValueError):
        parse_lock("sanic>=21\n")
