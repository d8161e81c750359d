"""Text from people and their files, checked once for every door (issue #27).

- ``decode``: a file's bytes as text by its byte order mark, else strict UTF-8, else strict
  Windows-1252 (what real GIAS extracts are), else refused naming the encoding problem.
  A guess by a detector would read UTF-16 without a mark as Windows-1252 full of NULs; the
  marks and strict decoding never guess.
- ``one_line_problem``: names, references and subjects are one line: a line break in a
  contact's name cuts an email's subject and moves the rest into its body.
- ``control_problem``: no NUL or other control character in any text (PostgreSQL refuses NUL).
- ``printable``: what a message may quote of a value (control characters escaped), so a
  refusal never carries a NUL into a job row or a line break into a log.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
          (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
          (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
# C0 and C1 controls and DEL; line and paragraph separators (Python's splitlines breaks on them too).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class EncodingRefused(ValueError):
    """A file whose bytes are not text in an encoding we read; the message says which problem."""


def decode(raw: bytes) -> str:
    """UTF-8 (with or without its mark), UTF-16 or UTF-32 with a byte order mark, or Windows-1252."""
    for mark, codec, name in _MARKS:
        if raw.startswith(mark):
            try:
                return raw[len(mark):].decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingRefused(f"the file starts with a {name} byte order mark but is not {name} text "
                                      f"(bytes {exc.start:,}-{exc.end:,}: {exc.reason})") from None
    # UTF-16 without its mark is valid UTF-8 with a NUL every other byte; a stray NUL in a text file is
    # left for the cell check, which names its row and column.
    if raw.count(b"\x00") * 4 >= len(raw):
        raise EncodingRefused("the file has NUL bytes: it looks like UTF-16 or UTF-32 text without a byte order "
                              "mark. Save it as UTF-8 (Excel: 'CSV UTF-8') or UTF-16 with its byte order mark")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise EncodingRefused(
            f"the file is neither UTF-8 nor Windows-1252 text: byte {utf8_error.start + 1:,} (0x"
            f"{raw[utf8_error.start]:02X}) is not UTF-8 and byte {exc.start + 1:,} (0x{raw[exc.start]:02X}) is "
            "not a Windows-1252 character. Save it as UTF-8 (Excel: 'CSV UTF-8')") from None


def printable(text: str, limit: int = 200) -> str:
    """``text`` as a message may quote it: control characters and line breaks escaped, at most ``limit`` long."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "..."
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _name(character: str) -> str:
    code = f"U+{ord(character):04X}"
    name = unicodedata.name(character, "")
    return f"{code} {name}" if name else code


def one_line_problem(value: str) -> str | None:
    """Why ``value`` cannot be a one-line field (a name, a reference, a subject), or None."""
    found = _CONTROL.search(value)
    if found is None:
        return None
    character = found.group()
    if character in _BREAKS:
        return "must be one line: it contains a line break"
    return f"contains a control character ({_name(character)})"


def control_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as multi-line text (line breaks and tabs are fine), or None."""
    found = _MULTILINE_CONTROL.search(value)
    if found is None:
        return None
    character = found.group()
    return "contains a NUL character" if character == "\x00" else f"contains a control character ({_name(character)})"
