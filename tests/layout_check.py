"""Where the drawn text of a figure collides: text on text, and notes on the data."""

from __future__ import annotations

import re

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: Text boxes whose job is to sit apart from the data (notes, asides, labels of a line).
NOTE_GIDS = ("note", "beyond", "today", "levels")


def renderer(fig: Figure):
    """The figure drawn once by Agg (as saving a PNG does), and its renderer."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def drawn_texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text the figure draws (titles, labels, ticks, notes, legends);
    tick labels only for ticks inside the view (matplotlib keeps others but skips them)."""
    renderer(fig)
    ticks: set[int] = set()
    shown: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            span = hi - lo
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                labels = (tick.label1, tick.label2)
                ticks.update(id(t) for t in labels)
                if lo - 1e-9 * span <= tick.get_loc() <= hi + 1e-9 * span:
                    shown += [t for t in labels if t.get_visible() and t.get_text().strip()]
    return shown + [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()
                    and t.get_text().strip()]


def off_page(fig: Figure) -> list[str]:
    """Texts that run past the figure's edge."""
    r = renderer(fig)
    w, h = fig.bbox.width, fig.bbox.height
    return [t.get_text() for t in drawn_texts(fig)
            if (bb := t.get_window_extent(r)).x0 < -0.5 or bb.y0 < -0.5 or bb.x1 > w + 0.5
            or bb.y1 > h + 0.5]


def _box(t: Text, renderer) -> Bbox:
    bb = t.get_window_extent(renderer)
    patch = t.get_bbox_patch()
    if patch is not None:
        bb = Bbox.union([bb, patch.get_window_extent(renderer)])
    return bb


def _overlap(a: Bbox, b: Bbox, slack: float = 0.5) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > slack
            and min(a.y1, b.y1) - max(a.y0, b.y0) > slack)


def text_collisions(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap (a text inside a legend's own box is fine)."""
    texts = drawn_texts(fig)
    r = renderer(fig)
    boxes = [_box(t, r) for t in texts]
    hits = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if _overlap(boxes[i], boxes[j]):
                hits.append((texts[i].get_text(), texts[j].get_text()))
    return hits


def _line_points(line: Line2D, per_segment: int = 60) -> np.ndarray:
    xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) < 2 or line.get_linestyle() in ("None", "none", ""):
        return xy
    t = np.linspace(0, 1, per_segment)[None, :, None]
    return (xy[:-1, None, :] * (1 - t) + xy[1:, None, :] * t).reshape(-1, 2)


def notes_on_data(fig: Figure) -> list[str]:
    """Notes (texts with a gid in NOTE_GIDS) drawn over a bar or a line of their Axes."""
    r = renderer(fig)
    hits = []
    for ax in fig.axes:
        notes = [t for t in ax.texts if t.get_gid() in NOTE_GIDS and t.get_visible()]
        if not notes:
            continue
        bars = [p.get_window_extent(r) for p in ax.patches
                if isinstance(p, Rectangle) and p.get_visible() and p.get_height() != 0
                and p.get_width() != 0]
        for c in ax.collections:  # vlines of today's staff, bands
            bars += [Bbox(p.get_extents().get_points()) for p in
                     [c.get_transform().transform_path(q) for q in c.get_paths()]]
        points = [_line_points(ln) for ln in ax.lines if ln.get_visible()]
        for t in notes:
            bb = _box(t, r)
            on_bar = any(_overlap(bb, b, slack=1.0) for b in bars)
            on_line = any(((p[:, 0] > bb.x0 + 1) & (p[:, 0] < bb.x1 - 1) & (p[:, 1] > bb.y0 + 1)
                           & (p[:, 1] < bb.y1 - 1)).any() for p in points if len(p))
            if on_bar or on_line:
                hits.append(t.get_text())
    return hits


_PATH = re.compile(r"\[[a-z_]+(\[\d+\])?(\.[a-z_0-9\[\]]+)*\]|\b[a-z]+_[a-z_]+\b")


def code_words(fig: Figure) -> list[str]:
    """Field paths (``[channels[0].per_day]``) and snake_case keys in the drawn text."""
    return [t.get_text() for t in drawn_texts(fig) if _PATH.search(t.get_text())]
