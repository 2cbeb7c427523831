"""A reviewer at the review app through Starlette's test client: signing in and saving one
call from its record page, with the page's CSRF token and the decision the page showed."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str | None = None):
    token = csrf_of(client.get("/login").text)
    form = {"csrf": token, "name": name, **({"password": password} if password else {})}
    return client.post("/login", data=form, follow_redirects=False)


def seen_of(html: str, field: str) -> str:
    """The decision the record page shows as current for one field ("0": none)."""
    found = re.search(
        rf'name="field" value="{re.escape(field)}">\s*<input type="hidden" name="seen" value="(\d+)"',
        html,
    )
    assert found, f"the record page has no form for {field}"
    return found.group(1)


def save(client, pmid: str, field: str, value: str, note: str = ""):
    """Save one call as a reviewer does: open the record page, post its form for the field."""
    page = client.get(f"/record/{pmid}").text
    form = {
        "csrf": csrf_of(page),
        "field": field,
        "value": value,
        "seen": seen_of(page, field),
        "note": note,
    }
    return client.post(f"/record/{pmid}", data=form, follow_redirects=False)
