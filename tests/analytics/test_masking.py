"""What the CSV export masks (emails, phone numbers, card numbers) and what it leaves alone
(order numbers, ticket references, dates, amounts)."""

from __future__ import annotations

import pytest

from bot.analytics.export import cell
from bot.analytics.masking import luhn, mask


@pytest.mark.parametrize(
    "text, expected",
    [
        ("write to alice.smith@example.co.uk please", "write to a***@***.uk please"),
        ("Bob+shop@mail.example.com and eve@x.io", "B***@***.com and e***@***.io"),
        ("card 4111 1111 1111 1111 exp 12/29", "card ************1111 exp 12/29"),
        ("card 5500-0000-0000-0004", "card ************0004"),
        ("amex 378282246310005", "amex ***********0005"),
        ("card4111111111111111", "card************1111"),
        ("4111.1111.1111.1111 exp", "************1111 exp"),
        ("4111-1111-1111-1111x", "************1111x"),
        ("call me on 415-555-0132", "call me on ********32"),
        ("call +44 20 7946 0958 tomorrow", "call **********58 tomorrow"),
        ("ring +33 6 12 34 56 78", "ring *********78"),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 100234 is late",
        "ticket T-000123 about order #100235",
        "paid 1299.99 on 2026-12-01 at 14:30",
        "tracking 1Z999AA10123456784",
        "1234 5678 9012 3456",  # 16 digits that fail the Luhn check: not a card
        "",
    ],
)
def test_what_is_not_personal_stays(text):
    assert mask(text) == text


def test_numbers_without_a_country_code_use_the_configured_region():
    assert mask("06 12 34 56 78", region="FR") == "********78"
    assert mask(None) is None


def test_luhn():
    assert luhn("4111111111111111") and luhn("79927398713")
    assert not luhn("4111111111111112") and not luhn("1234567890123456")


@pytest.mark.parametrize(
    "text, expected",
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tstarts with a tab", "'\tstarts with a tab"),
        ("a normal comment - with a dash", "a normal comment - with a dash"),
    ],
)
def test_a_csv_cell_is_never_a_formula(text, expected):
    assert cell(text, "US") == expected
    assert cell(5, "US") == 5 and cell(None, "US") == ""
