"""Money in cents and locale formats, without a database."""

from datetime import UTC, date, datetime, time

import pytest

from amap.groups.services import next_distribution
from amap.lib.dates import format_date, weekday_name
from amap.lib.money import format_cents, parse_euros


@pytest.mark.parametrize(("typed", "cents"), [("12,50", 1250), ("12.5", 1250), ("0,01", 1), ("7", 700),
                                              ("1 234,56 €", 123456), ("-3,10", -310)])
def test_amounts_typed_the_french_or_english_way_become_cents(typed, cents):
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "1,234", "12,345", "1e3", "nan", "12,5,0"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        parse_euros(typed)


def test_euros_are_formatted_per_locale():
    assert format_cents(123456, "fr") == "1\u202f234,56\xa0€"
    assert format_cents(123456, "en") == "€1,234.56"


def test_dates_and_weekdays_follow_the_locale():
    assert format_date(date(2026, 12, 3), "fr") == "3 décembre 2026"
    assert format_date(date(2026, 12, 3), "en") == "December 3, 2026"
    assert weekday_name(3, "fr") == "jeudi" and weekday_name(3, "en") == "Thursday"


PLACE = {"weekday": 3, "starts_at": time(18, 30), "ends_at": time(20, 0), "name": "Cour"}


def test_next_distribution_is_this_thursday_evening_in_paris_time():
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    upcoming = next_distribution(PLACE, "Europe/Paris", monday)
    assert upcoming.starts.isoformat() == "2026-12-03T18:30:00+01:00"
    assert upcoming.ends.isoformat() == "2026-12-03T20:00:00+01:00"


def test_a_distribution_still_open_is_the_next_one_and_a_finished_one_is_not():
    during = datetime(2026, 12, 3, 18, 45, tzinfo=UTC)  # 19:45 in Paris: still open
    assert next_distribution(PLACE, "Europe/Paris", during).starts.date() == date(2026, 12, 3)
    after = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)  # 20:30 in Paris: over
    assert next_distribution(PLACE, "Europe/Paris", after).starts.date() == date(2026, 12, 10)


def test_capitalize_raises_the_first_letter_and_leaves_the_month_as_written():
    from pathlib import Path

    from amap.lib.i18n import using_language
    from amap.lib.templating import make_environment

    env = make_environment(Path("templates"))
    with using_language("en"):
        text = env.from_string('{{ day | date("full") | capitalize }}').render(day=date(2026, 12, 1))
    assert text == "Tuesday, December 1, 2026"
    with using_language("fr"):
        assert env.from_string('{{ day | date("full") | capitalize }}').render(day=date(2026, 12, 1)) == \
            "Mardi 1 décembre 2026"


def test_the_menu_marks_the_section_of_the_path_and_any_committee_messages_as_messages():
    from amap.lib.templating import nav_section

    assert nav_section("/me") == "me"
    assert nav_section("/contracts/3/subscribe") == "contracts"
    assert nav_section("/committee/amap-des-lilas/roster") == "committee"
    assert nav_section("/committee/amap-des-lilas/messages") == "messages"
    assert nav_section("/committee/messages") == "messages"
    assert nav_section("/") == ""
