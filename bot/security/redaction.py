"""Credentials out of free text before it is kept: what a user typed to prove who they are is no use once checked.

redact_credentials masks, wherever they appear in a text:

- a full ID number (ASCII or full-width digits): 5201**********123X, as mask_id_numbers always did;
- the last six ID characters identification asks for, as a token of their own (5 digits and a digit or X):
  ******; only the token itself, so 120学时, 2025年3月21日, 20250321 or a year are left as they are;
- an employer's access code in a message that also holds a credit code, found the way identification finds it
  (bot.parsing.identification.parse_employer_login), so an eight-letter word elsewhere is left alone: ********;
- a mainland mobile number (1[3-9] and nine more digits, spaces or hyphens allowed between them, not part of a
  longer run of digits): 138****5678.

Everything else is kept character for character. The last six, access codes and mobile numbers are not looked for
inside a token: a value sealed with bot.security.keys.sealing() (a Fernet token, long URL-safe base64), a signed
link's key, or a draft or ticket number (YX-2025-000123, RG-000012). A conversation reads some of them back on a
later turn, and
a digit run inside one is no credential. (Eighteen digits in a row are masked even there: random base64 has none.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from bot.parsing.identification import ACCESS_CODE, CREDIT_CODE, parse_employer_login
from rules_engine.identity import mask_id_number

MASKED_LAST6 = "******"
MASKED_ACCESS_CODE = "********"

FULL_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
LAST6 = re.compile(r"(?<![0-9A-Za-z])[0-9]{5}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9](?:[ -]?[0-9]){9}(?![0-9])")
# A reference people quote back (a draft, a hand-over ticket) ends in six digits but proves nothing.
REFERENCE = re.compile(r"(?<![0-9A-Za-z])(?:(?:YX|ZX)-[0-9]{4}-[0-9]{6}|RG-[0-9]{6,})(?![0-9])", re.IGNORECASE)
# A sealed slot value or a signed key (dots join a signed link's parts): URL-safe base64 far longer than anything a
# person types, with letters in it.
TOKEN = re.compile(r"(?<![A-Za-z0-9_=.-])(?=[A-Za-z0-9_=.-]*[A-Za-z])[A-Za-z0-9_=.-]{24,}")
SIX_DIGITS = re.compile(r"[0-9]{6}")
DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"}
# Characters NFKC turns into a digit that \d does not match: circled, superscript and subscript digits.
_OTHER_DIGITS = "\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea"
_DIGIT = rf"[\d{_OTHER_DIGITS}]"
# Whatever NFKC turns into a space or a hyphen (no-break and other widths of space, the full-width hyphen).
_SEPARATOR = "[ \u00a0\u2000-\u200a\u202f\u205f\u3000\uff0d" + "".join(DASHES) + "-]"
# What every credential has: five digits in a row (the last six may end in X; an ID number has seventeen, a credit
# code six), or eleven digits split by spaces or hyphens (a mobile number).
_WORTH_A_LOOK = re.compile(rf"{_DIGIT}{{5}}|{_DIGIT}{{2}}(?:{_SEPARATOR}?{_DIGIT}){{9}}")

Span = tuple[int, int, str]


def mask_id_numbers(text: str) -> str:
    """Anyone may type a full ID number; none is ever stored or shown whole."""
    return FULL_ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


def may_hold_credentials(text: str) -> bool:
    """Cheap pre-check: whether the text has the digits any credential needs (most texts have none)."""
    return _WORTH_A_LOOK.search(text) is not None


class _ComparableCharacters(dict[int, str]):
    """str.translate's table, filled as characters are first seen: identification's reading of each one."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        digit = unicodedata.decimal(character, None)
        if digit is not None:
            found = str(digit)
        else:
            normal = unicodedata.normalize("NFKC", character)
            found = DASHES.get(character, normal if len(normal) == 1 else character)
        self[code] = found
        return found


_COMPARABLE = _ComparableCharacters()


def _comparable(text: str) -> str:
    """One character for one, as identification reads them: any digit as 0-9, full-width letters and spaces as
    ASCII; the same length as the text, so a match's span is the original's."""
    return text if text.isascii() else text.translate(_COMPARABLE)


def _access_codes(comparable: str, text: str) -> Iterator[Span]:
    if not SIX_DIGITS.search(comparable):  # every credit code has six digits in a row
        return
    code, access = parse_employer_login(text)
    if not code or not access:
        return
    upper = "".join(c.upper() if c.isascii() else c for c in comparable)
    # The credit code blanked to spaces of its length, as parse_employer_login replaces it, keeping the spans.
    blanked = CREDIT_CODE.sub(lambda m: " " * len(m.group(0)), upper)
    for match in ACCESS_CODE.finditer(blanked):
        yield match.start(), match.end(), MASKED_ACCESS_CODE


def _id_numbers(comparable: str) -> list[Span]:
    return [(m.start(), m.end(), mask_id_number(m.group(0).upper())) for m in FULL_ID_NUMBER.finditer(comparable)]


def _spans(comparable: str, text: str) -> Iterator[Span]:
    yield from _access_codes(comparable, text)
    for match in MOBILE.finditer(comparable):
        digits = re.sub(r"[ -]", "", match.group(0))
        yield match.start(), match.end(), f"{digits[:3]}****{digits[-4:]}"
    for match in LAST6.finditer(comparable):
        yield match.start(), match.end(), MASKED_LAST6


def redact_credentials(text: str) -> str:
    """The text with ID numbers, the last six ID characters, access codes and mobile numbers masked."""
    if not may_hold_credentials(text):
        return text
    comparable = _comparable(text)
    # ID numbers go wherever they are, as they always did; the shorter credentials spare tokens and references.
    chosen = _id_numbers(comparable)
    taken = [(start, end) for start, end, _ in chosen]
    taken += [(m.start(), m.end()) for pattern in (TOKEN, REFERENCE) for m in pattern.finditer(comparable)]
    for start, end, replacement in _spans(comparable, text):
        # The first pattern to claim characters keeps them: a masked ID number holds no phone number.
        if all(end <= other_start or start >= other_end for other_start, other_end in taken):
            taken.append((start, end))
            chosen.append((start, end, replacement))
    if not chosen:
        return text
    pieces: list[str] = []
    last = 0
    for start, end, replacement in sorted(chosen):
        pieces += [text[last:start], replacement]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
