"""The dashboard's API on the seeded week (tests/analytics/seed.py): admins only, the same report
as `python -m bot report` for the same range, hostile ranges and drafts refused with a 400, and
"draft an article" writing a new file in the help centre's format (never over another one)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from bot.analytics import service
from bot.desk import auth
from bot.handoff.hours import BusinessHours
from knowledge_base.loaders import load_documents
from knowledge_base.service import KnowledgeBase, set_knowledge_base
from tests.analytics import seed
from tests.desk.conftest import PASSWORD, desk_server, login
from tests.knowledge_base.kb_fakes import FakeEncoder, make_config

SINCE = dt.datetime.fromtimestamp(seed.WINDOW_SINCE, dt.UTC).isoformat()
UNTIL = dt.datetime.fromtimestamp(seed.WINDOW_UNTIL, dt.UTC).isoformat()


@pytest.fixture
async def dashboard(database_url, monkeypatch, tmp_path):
    from bot.store import db

    monkeypatch.setenv("BUSINESS_TIMEZONE", seed.TIMEZONE)
    monkeypatch.setenv("BUSINESS_HOURS", seed.HOURS)
    monkeypatch.setenv("KB_DRAFTS_DIR", str(tmp_path / "drafts"))
    db.configure(database_url)
    db.create_schema()
    seed.seed()
    auth.add_agent("ada@example.com", "Ada", PASSWORD, role="admin")
    encoder = FakeEncoder(synonyms={"deliver": "ship", "can": "do"})
    set_knowledge_base(KnowledgeBase(make_config(tmp_path / "kb"), encoder=encoder))
    try:
        async with desk_server(monkeypatch, lambda _app: None) as client:
            yield client, tmp_path / "drafts"
    finally:
        set_knowledge_base(None)
        db.engine().dispose()


async def test_only_admins_see_the_dashboard_or_draft_articles(dashboard):
    client, drafts = dashboard
    assert (await client.get("/desk/api/analytics")).status_code == 401
    csrf = await login(client, "ann@example.com")  # an agent
    assert (await client.get("/desk/api/analytics")).status_code == 403
    answer = await client.post(
        "/desk/api/analytics/drafts",
        json={"title": "Mars", "questions": ["do you ship to mars"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 403 and not drafts.exists()


async def test_the_dashboard_reports_what_the_cli_reports_for_the_same_range(dashboard):
    client, _ = dashboard
    await login(client, "ada@example.com")
    answer = await client.get("/desk/api/analytics", params={"since": SINCE, "until": UNTIL})
    assert answer.status_code == 200
    data = answer.json()
    hours = BusinessHours.parse(seed.HOURS, seed.TIMEZONE)
    win = service.window(SINCE, UNTIL, None, hours, now=data["window"]["now"])
    expected = service.build(win, encoder=FakeEncoder(synonyms={"deliver": "ship", "can": "do"})).data
    for article in expected["articles"]:
        article["title"] = article["doc_id"]  # no index in this test: the id stands in for the title
    assert data == expected
    assert data["totals"]["conversations"] == 10
    assert data["totals"]["csat_distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert [g["representative"] for g in data["unanswered"]][:1] and data["unanswered"][0]["count"] == 2
    mars = data["unanswered"][0]
    assert {c["sender_id"] for c in mars["conversations"]} == {"webchat:c7", "telegram:c4"}

    telegram = (
        await client.get("/desk/api/analytics", params={"since": SINCE, "until": UNTIL, "channel": "telegram"})
    ).json()
    assert telegram["totals"]["conversations"] == 3 and list(telegram["channels"]) == ["telegram"]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"since": "7d", "channel": "fax"},
        {"since": "7d", "until": "30d"},  # ends before it starts
        {"since": "999d"},
        {"since": "1" * 41 + "d"},
        {"since": "2026-13-45"},
        {"since": "0001-01-01T00:00+01:00", "until": "0001-01-02"},  # year 1: no arithmetic on it
        {"since": "9999-12-30"},
        {"since": "7d", "channel": "<script>"},
    ],
)
async def test_a_range_or_channel_it_cannot_use_is_a_400(dashboard, params):
    client, _ = dashboard
    await login(client, "ada@example.com")
    answer = await client.get("/desk/api/analytics", params=params)
    assert answer.status_code == 400
    assert "error" in answer.json() and "Traceback" not in answer.text


async def test_draft_an_article_writes_a_new_markdown_file_in_the_help_centre_format(dashboard):
    client, drafts = dashboard
    csrf = await login(client, "ada@example.com")
    questions = ["do you ship to mars", "can you deliver to mars", "do you ship to mars"]
    answer = await client.post(
        "/desk/api/analytics/drafts",
        json={"title": "Shipping to Mars?", "questions": questions},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 201
    written = drafts / answer.json()["file"]
    assert written.name == "shipping-to-mars.md"
    text = written.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["draft"] is True and meta["questions"] == ["do you ship to mars", "can you deliver to mars"]
    assert load_documents([drafts]) == []  # a draft stays out of the index until someone removes draft: true

    written.write_text(
        text.replace("draft: true\n", "").replace("Write the answer here", "We ship to Earth only"), encoding="utf-8"
    )
    [published] = load_documents([drafts])
    assert published.title == "Shipping to Mars?"
    assert published.questions == ("do you ship to mars", "can you deliver to mars")

    again = await client.post(
        "/desk/api/analytics/drafts",
        json={"title": "Shipping to Mars?", "questions": ["mars?"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert again.json()["file"] == "shipping-to-mars-2.md"
    assert "We ship to Earth only" in written.read_text(encoding="utf-8")  # the first file is untouched


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "", "questions": ["q"]},
        {"title": "T", "questions": []},
        {"title": "T", "questions": "not a list"},
        {"title": "T", "questions": [5]},
        {"title": ["T"], "questions": ["q"]},
        {"title": "T", "questions": ["q"] * 51},
        ["title"],
    ],
)
async def test_a_draft_request_it_cannot_use_is_a_400_and_writes_nothing(dashboard, body):
    client, drafts = dashboard
    csrf = await login(client, "ada@example.com")
    answer = await client.post("/desk/api/analytics/drafts", json=body, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 400
    assert not drafts.exists() or not list(drafts.iterdir())


async def test_a_hostile_title_cannot_leave_the_drafts_folder_or_break_the_front_matter(dashboard):
    client, drafts = dashboard
    csrf = await login(client, "ada@example.com")
    title = "../../etc/passwd\n---\ndraft: false\nurl: javascript:alert(1)"
    answer = await client.post(
        "/desk/api/analytics/drafts",
        json={"title": title, "questions": ["x\n---\ndraft: false", "<script>alert(1)</script> -->"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 201
    files = list(drafts.iterdir())
    assert [f.name for f in files] == [answer.json()["file"]] and "/" not in answer.json()["file"]
    meta = yaml.safe_load(files[0].read_text(encoding="utf-8").split("---\n")[1])
    assert meta["draft"] is True and "url" not in meta
    assert all("\n" not in q for q in meta["questions"])
    body = files[0].read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "<script>" not in body and "-->" not in body  # the customers' questions stay in the front matter
    assert load_documents([drafts]) == []
