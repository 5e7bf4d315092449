"""Which columns of an export mean what, whatever the tool calls them.

An inbound export (one row per message or conversation) needs a creation time and a
platform or channel; a posts export (Meta Business Suite and the like) needs a publish time
and a post type. The names below are the ones the common tools use (matched without case,
spaces or punctuation); the first match in each list wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from estimator.calibrate.errors import ExportError

INBOUND_TIME = ("created at", "received at", "created time", "created", "received",
                "timestamp", "message time", "date created", "created date", "sent at",
                "time", "date")
PLATFORM = ("platform", "network", "social network", "medium", "channel", "source",
            "profile network")
KIND = ("message type", "kind", "type", "conversation type")
NEEDS_REPLY = ("needs reply", "needs response", "actionable", "requires response")
REPLIED_AT = ("replied at", "first reply at", "first replied at", "first response at",
              "responded at")
RESPONSE_TIME = ("first response time", "response time", "reply time",
                 "time to first response", "first reply time")
HANDLE = ("handle seconds", "handle time", "handling time", "handle minutes")

POST_TIME = ("publish time", "published at", "published", "publish date", "post time",
             "date published")
POST_TYPE = ("post type", "format", "content type", "media type")
POST_ID = ("content id", "post id")


def normal(name: str) -> str:
    """A column name without case, units in brackets or punctuation: ``"Created At (UTC)"``
    is ``"created at"``."""
    name = re.sub(r"\(.*?\)|\[.*?\]", " ", name.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name).split())


def find(header: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    """Index of the first column matching one of ``names`` (in the order of ``names``)."""
    keys = [normal(h) for h in header]
    for wanted in names:
        if wanted in keys:
            return keys.index(wanted)
    return None


@dataclass(frozen=True)
class Layout:
    """What the columns of one export are: indices into its header (None = absent)."""

    kind: str  # "inbound" or "posts"
    time: int
    platform: int | None
    message_kind: int | None = None
    needs_reply: int | None = None
    replied_at: int | None = None
    response_time: int | None = None
    handle: int | None = None
    post_type: int | None = None
    post_id: int | None = None


def looks_like_header(cells: tuple[str, ...]) -> bool:
    """True if a line names a creation or publish time and something else a layout needs."""
    if len(cells) < 2:
        return False
    if find(cells, POST_TIME) is not None:
        return True
    if find(cells, INBOUND_TIME) is None:
        return False
    return find(cells, PLATFORM + KIND) is not None or len(cells) >= 3


def detect(header: tuple[str, ...], name: str, platform_given: bool = False) -> Layout:
    """The layout of an export from its header.

    Raises
    ------
    ExportError
        Naming what is missing and the columns seen.
    """
    seen = ", ".join(repr(h) for h in header[:15])
    post_time = find(header, POST_TIME)
    if post_time is not None:
        post_type = find(header, POST_TYPE)
        if post_type is None:
            raise ExportError(f"{name}: a posts export needs a post type column (looked for "
                              f"'Post type', 'Format'); saw {seen}")
        return Layout(kind="posts", time=post_time, platform=find(header, PLATFORM),
                      post_type=post_type, post_id=find(header, POST_ID))
    time = find(header, INBOUND_TIME)
    if time is None:
        raise ExportError(f"{name}: no creation time column (looked for 'Created at', "
                          f"'timestamp', 'received_at', 'Publish time'); saw {seen}")
    platform = find(header, PLATFORM)
    if platform is None and not platform_given:
        raise ExportError(f"{name}: no platform or channel column (looked for 'platform', "
                          f"'Medium', 'Channel', 'Network'; or give --platform); saw {seen}")
    return Layout(
        kind="inbound", time=time, platform=platform,
        message_kind=find(header, KIND), needs_reply=find(header, NEEDS_REPLY),
        replied_at=find(header, REPLIED_AT), response_time=find(header, RESPONSE_TIME),
        handle=find(header, HANDLE),
    )
