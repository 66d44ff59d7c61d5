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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

# (method, path, body, headers) -> (status, headers as (name, value) pairs, body)
Transport = Callable[[str, str, bytes | None, dict[str, str]], tuple[int, list[tuple[str, str]], bytes]]


class FormReader(HTMLParser):
    """The answering form of a page: its action, hidden fields, radio groups and selects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action = ""
        self.hidden: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self.selects: dict[str, list[str]] = {}
        self.texts: set[str] = set()
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self._in_form = True
            self.action = values.get("action", "")
        elif not self._in_form:
            return
        elif tag == "input" and values.get("type") == "hidden":
            self.hidden.append((values.get("name", ""), values.get("value", "")))
        elif tag == "input" and values.get("type") == "text":
            self.texts.add(values.get("name", ""))
        elif tag == "input" and values.get("type") == "radio":
            self.radios.setdefault(values["name"], []).append(values.get("value", ""))
        elif tag == "select":
            self._select = values.get("name", "")
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None and values.get("value"):
            self.selects[self._select].append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

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
