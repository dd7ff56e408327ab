"""Steps the browser tests share."""

from __future__ import annotations

STAFF_NAME, STAFF_PASSWORD = "browser-staff", "password-789"


def log_in_as_staff(page: object, base: str) -> None:
    """The staff login form, as a helpdesk member fills it, until the console's queue shows."""
    page.goto(base + "/staff/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", STAFF_NAME)  # type: ignore[attr-defined]
    page.fill("input[name=password]", STAFF_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('登录')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=转人工队列")  # type: ignore[attr-defined]
