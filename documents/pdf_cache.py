"""Text every school's SLA shares, parsed and broken into lines once per process.

Most of a filled-in SLA is the template's own text, the same for every school; reportlab
would parse each paragraph's markup and break it into lines again for every document
(py-spy: over half of a document's time). A ``SharedParagraph`` looks its text up first:
the same text in the same style at the same width always parses and breaks the same way,
so the result is exact whatever document it is used in, and a school's own text (its name,
its charges) is simply laid out afresh, as before.

Only what reportlab computes from the text is shared (the parsed fragments and the broken
lines, which neither drawing nor splitting changes); every document still builds its own
flowables, so nothing a layout pass notes on a flowable leaks into the next document.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table

__all__ = ["SharedParagraph", "SharedTable", "clear", "stats", "disabled"]

# A document has about a thousand distinct texts; the shared ones are used by every document
# and so stay, while each school's own are pushed out by the next schools'.
MAX_ENTRIES = 20_000

_parsed: OrderedDict[tuple, Any] = OrderedDict()
_wrapped: OrderedDict[tuple, tuple] = OrderedDict()
_drawn: OrderedDict[tuple, tuple] = OrderedDict()
_counts = {"hits": 0, "misses": 0}
_state = {"on": True}


def _cached(canvas: Any, key: tuple) -> tuple[str, ...] | None:
    """The operators drawn for ``key`` before, if this document names its fonts the same
    and its graphics state is as it was then (and the PDF version they need)."""
    hit = _lookup(_drawn, key)
    if hit is None:
        return None
    code, names, state, version = hit
    fonts = canvas._doc.fontMapping
    if any(fonts.get(name) != internal for name, internal in names) or canvas._extgstate._d != state:
        return None
    canvas._doc._pdfVersion = max(canvas._doc._pdfVersion, version)  # as drawing the colours would
    return code


class _Replayed:
    """``drawOn`` and ``draw`` for a flowable whose drawing may be one kept from before."""

    _looked_up = False

    def _draw_key(self) -> tuple | None:
        raise NotImplementedError

    def _fonts(self) -> set[str]:
        raise NotImplementedError

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """As ``Flowable.drawOn``, which saves the state, moves the origin, draws and
        restores: a kept drawing is written between the same operators."""
        key = None if getattr(self, "_showBoundary", 0) else self._draw_key()
        code = None if key is None else _cached(canvas, key)
        if code is not None:
            x = self._hAlignAdjust(x, _sW)
            canvas._code += ["q", f"{fp_str(1, 0, 0, 1, x, y)} cm", *code, "Q"]
            return
        self._looked_up = key is not None
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        """Draw, keeping the operators; or write the kept ones when drawn other than by drawOn."""
        key = self._draw_key()
        if key is None:
            return super().draw()
        canvas = self.canv
        code = None if self._looked_up else _cached(canvas, key)
        self._looked_up = False
        if code is not None:
            canvas._code.extend(code)
        else:
            _drawn_afresh(canvas, key, super().draw, self._fonts)
        return None


def _drawn_afresh(canvas: Any, key: tuple, draw: Callable[[], None], fonts: Callable[[], set[str]]) -> None:
    """Draw, and keep the operators for next time unless drawing changed the document
    beyond the page (a new graphics state)."""
    doc, state = canvas._doc, dict(canvas._extgstate._d)
    start, before, states = len(canvas._code), doc._pdfVersion, len(canvas._extgstate._c)
    doc._pdfVersion = (1, 0)  # what this drawing alone needs
    try:
        draw()
    finally:
        needed, doc._pdfVersion = doc._pdfVersion, max(before, doc._pdfVersion)
    if len(canvas._extgstate._c) != states or canvas._extgstate._d != state:
        return
    mapping = doc.fontMapping
    used = tuple((name, mapping[name]) for name in sorted(fonts()) if name in mapping)
    _remember(_drawn, key, (tuple(canvas._code[start:]), used, state, needed))


def _remember(cache: OrderedDict, key: tuple, value: Any) -> None:
    if not _state["on"]:
        return
    cache[key] = value
    if len(cache) > MAX_ENTRIES:
        try:
            cache.popitem(last=False)
        except KeyError:  # another thread (a threaded server) emptied it meanwhile
            pass


def _lookup(cache: OrderedDict, key: tuple) -> Any:
    value = cache.get(key) if _state["on"] else None
    if value is not None:
        try:
            cache.move_to_end(key)
        except KeyError:  # pushed out by another thread since: the value in hand is still right
            pass
        _counts["hits"] += 1
    else:
        _counts["misses"] += 1
    return value


class SharedParagraph(_Replayed, Paragraph):
    """A reportlab ``Paragraph`` whose parsing and line breaking are shared by equal texts.

    ``style`` must be a style object that lives as long as the process (a module's own),
    since the cache knows styles by identity. The paragraphs reportlab makes when it splits
    one across a page (``text`` None) are laid out as any paragraph is.
    """

    def __init__(self, text: str | None, style: ParagraphStyle, bulletText: str | None = None,
                 frags: list | None = None, **kwargs: Any) -> None:
        self._key = None if text is None or frags is not None else (text, id(style), bulletText)
        if self._key is not None:
            parsed = _lookup(_parsed, self._key)
            if parsed is not None:
                frags, bulletText = parsed
        super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
        if self._key is not None and frags is None:
            _remember(_parsed, self._key, (self.frags, self.bulletText))

    def _fonts(self) -> set[str]:
        names = {getattr(frag, "fontName", None) for frag in self.frags}
        return {name for name in names | {self.style.fontName, self.style.bulletFontName} if name}

    def _draw_key(self) -> tuple | None:
        """A text drawn at this width and height before is drawn with the same operators again.
        Drawing is relative to the flowable's own origin (``drawOn`` translates first), so the
        operators do not depend on where the paragraph stands. Markup (links and anchors,
        which also add to the document outside the page) is always drawn afresh."""
        if self._key is None or "<" in self._key[0] or getattr(self, "_splitpara", 0):
            return None
        return ("paragraph", self._key, self.width, self.height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """As ``Paragraph.wrap``; the lines come from the cache when this text was broken
        at this width before (the height available does not change where lines break)."""
        if self._key is None:
            return super().wrap(availWidth, availHeight)
        key = (self._key, availWidth)
        hit = _lookup(_wrapped, key)
        if hit is None:
            width, height = super().wrap(availWidth, availHeight)
            if width == availWidth and hasattr(self, "blPara"):  # not "cannot fit here"
                _remember(_wrapped, key, (self.blPara, self._wrapWidths, height))
            return width, height
        self.blPara, self._wrapWidths, self.height = hit
        self.width = availWidth
        return availWidth, self.height


class SharedTable(_Replayed, Table):
    """A reportlab ``Table`` drawn with the operators of an equal table drawn before.

    ``shared_key`` (set by the caller) must say everything the table's content and styles
    come from; with the table's laid-out size it names the drawing. The parts reportlab
    makes when it splits a table across pages have no key and are drawn as usual.
    """

    shared_key: tuple | None = None

    def _draw_key(self) -> tuple | None:
        if self.shared_key is None:
            return None
        return ("table", self.shared_key, self._width, self._height, tuple(self._colWidths), tuple(self._rowHeights))

    def _fonts(self) -> set[str]:
        return {name for row in self._cellvalues for cell in row
                for name in (getattr(getattr(cell, "style", None), "fontName", None),) if name}


def clear() -> None:
    """Forget every shared text (tests compare a document laid out with and without them)."""
    _parsed.clear()
    _wrapped.clear()
    _drawn.clear()
    _counts.update(hits=0, misses=0)


@contextmanager
def disabled() -> Iterator[None]:
    """Lay out as plain reportlab does, every text afresh (the benchmark's bare baseline)."""
    _state["on"] = False
    try:
        yield
    finally:
        _state["on"] = True


def stats() -> dict[str, int]:
    """How often a text was found, and how many are held."""
    return {**_counts, "parsed": len(_parsed), "wrapped": len(_wrapped), "drawn": len(_drawn)}
