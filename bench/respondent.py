"""A respondent in a browser, without the browser: the answering pages' flow for the bench.

``play`` goes through one survey link as a new respondent would: the start page, then each part
(GET, fill in the form as it came, POST) following the redirects, up to the receipt on the thank-you
page. It reads the form from the HTML it is served (the CSRF token, the hidden fields, the radio
buttons and selects), so it answers whatever the survey asks without knowing the definition: a
random rating for every radio group (never an "other" that asks for a text), distinct picks for a
ranking's selects, no "not relevant" box ticked and no free text. A POST that does not redirect (a
page shown again with errors) fails the sequence, so the flow proves that every part was accepted.

The transport is a callable, so the same flow runs through gunicorn (bench/scenarios.py) and in
process through Django's test client (bench/respond_probe.py).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlencode, urlsplit

# (method, path, body, headers) -> (status, headers as (name, value) pairs, body)
Transport = Callable[[str, str, bytes | None, dict[str, str]], tuple[int, list[tuple[str, str]], bytes]]


_FORM = re.compile(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', re.S)
_INPUT = re.compile(r"<input ([^>]*)>")
_SELECT = re.compile(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
_OPTION = re.compile(r'<option value="([^"]+)"')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


class FormReader:
    """The answering form of a page: its action, hidden fields, radio groups and selects. Regular
    expressions over the HTML the app writes, not a parser: the load generator shares the machine's
    two cores with the server and must cost it as little as it can."""

    def __init__(self) -> None:
        self.action = ""
        self.hidden: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self.selects: dict[str, list[str]] = {}
        self.texts: set[str] = set()

    def feed(self, page: str) -> None:
        form = _FORM.search(page)
        if form is None:
            return
        self.action = unescape(form.group(1))
        for tag in _INPUT.finditer(form.group(2)):
            values = {name: unescape(value) for name, value in _ATTRIBUTE.findall(tag.group(1))}
            kind, name = values.get("type"), values.get("name", "")
            if kind == "hidden":
                self.hidden.append((name, values.get("value", "")))
            elif kind == "text":
                self.texts.add(name)
            elif kind == "radio":
                self.radios.setdefault(name, []).append(values.get("value", ""))
        for select in _SELECT.finditer(form.group(2)):
            self.selects[select.group(1)] = [unescape(value) for value in _OPTION.findall(select.group(2))]

    def answers(self, rng: random.Random) -> list[tuple[str, str]]:
        """The form filled in: hidden fields as served, a random choice per radio group, distinct
        picks over a ranking's selects, and the Next button."""
        fields = list(self.hidden)
        for name, choices in self.radios.items():
            # "Other" asks for a text this respondent does not write.
            usable = [c for c in choices if not (c == "other" and f"{name}__other" in self.texts)]
            if usable:
                fields.append((name, rng.choice(usable)))
        taken: set[str] = set()
        for name, options in self.selects.items():
            question = name.rsplit("__rank", 1)[0]
            free = [
                option
                for option in options
                if option not in taken and not (option == "other" and f"{question}__other" in self.texts)
            ]
            if free:
                pick = rng.choice(free)
                taken.add(pick)
                fields.append((name, pick))
        fields.append(("action", "next"))
        return fields


@dataclass
class Sequence:
    """One respondent's way through a link: each request's (label, seconds), and the outcome."""

    requests: list[tuple[str, float]] = field(default_factory=list)
    completed: bool = False
    receipt: str = ""
    error: str = ""

    @property
    def seconds(self) -> float:
        return sum(seconds for _label, seconds in self.requests)


class Browser:
    """Cookies and redirects over a transport, timing each request."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.cookies: dict[str, str] = {}

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes, float]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        status, pairs, data = self.transport(method, path, body, sent)
        seconds = time.perf_counter() - started
        replied: dict[str, str] = {}
        for name, value in pairs:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie, _sep, content = pair.partition("=")
                self.cookies[cookie.strip()] = content.strip()
            else:
                replied[name.lower()] = value
        return status, replied, data, seconds


def _label(path: str) -> str:
    """The page a path shows, without the link token: "start", "part 3", "thanks"."""
    parts = [part for part in urlsplit(path).path.split("/") if part]
    tail = parts[2:]  # after "s" and the token
    if not tail:
        return "start"
    return " ".join(tail)


def play(
    transport: Transport, token: str, rng: random.Random, *, language: str = "nb", limit: int = 40
) -> Sequence:
    """One new respondent through the link ``token`` (see the module's docstring)."""
    browser = Browser(transport)
    sequence = Sequence()
    query = urlencode({"lang": language})
    path = f"/s/{token}/?{query}"
    status, _headers, _body, seconds = browser.send("GET", path)
    sequence.requests.append(("start", seconds))
    if status != 200:
        sequence.error = f"start page answered {status}"
        return sequence
    path = f"/s/{token}/part/1/?{query}"
    for _step in range(limit):
        status, headers, body, seconds = browser.send("GET", path)
        sequence.requests.append((f"GET {_label(path)}", seconds))
        if status != 200:
            sequence.error = f"GET {_label(path)} answered {status}"
            return sequence
        if _label(path) == "thanks":
            # The receipt is three groups of four characters in <strong>, shown only to whoever
            # stored the response: its presence proves this sequence's answer was counted.
            text = body.decode()
            start = text.find("<strong>")
            sequence.receipt = text[start + 8 : text.find("</strong>", start)] if start >= 0 else ""
            sequence.completed = bool(sequence.receipt)
            if not sequence.completed:
                sequence.error = "the thank-you page shows no receipt"
            return sequence
        form = FormReader()
        form.feed(body.decode())
        if not form.action:
            sequence.error = f"GET {_label(path)} has no form"
            return sequence
        data = urlencode(form.answers(rng)).encode()
        status, headers, _body, seconds = browser.send(
            "POST", form.action, data, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        sequence.requests.append((f"POST {_label(form.action)}", seconds))
        if status != 302 or "location" not in headers:
            shown = _body.decode(errors="replace")
            at = shown.find('id="error-summary"')
            detail = " ".join(shown[at : at + 600].split()) if at >= 0 else ""
            sequence.error = f"POST {_label(form.action)} answered {status} {detail}".strip()
            return sequence
        path = headers["location"]
    sequence.error = f"no thank-you page after {limit} parts"
    return sequence
