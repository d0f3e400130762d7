"""Form checks, safe redirects and the Principal's rules, without a database."""

import pytest

from amap.lib.access import Principal
from amap.lib.forms import Form
from amap.lib.web import safe_next


def test_text_fields_are_stripped_required_and_bounded():
    form = Form({"name": "  Alice  ", "city": "x" * 121})
    assert form.text("name") == "Alice"
    form.text("city", max_length=120)
    form.text("missing")
    assert set(form.errors) == {"city", "missing"}


@pytest.mark.parametrize("address", ["a@b.org", "Ana.Lopez+amap@example.co.uk"])
def test_plausible_addresses_pass_lowercased(address):
    form = Form({"email": address})
    assert form.email() == address.lower() and form.ok


@pytest.mark.parametrize("address", ["", "ana", "ana@", "@example.org", "ana@example", "a b@example.org",
                                     "x" * 250 + "@example.org"])
def test_implausible_addresses_fail(address):
    form = Form({"email": address})
    form.email()
    assert "email" in form.errors


def test_numbers_times_and_choices_are_checked():
    form = Form({"weekday": "7", "starts_at": "25:00", "language": "de", "count": "two"})
    form.integer("weekday", minimum=0, maximum=6)
    form.time("starts_at")
    form.choice("language", ["fr", "en"])
    form.integer("count", minimum=0, maximum=9)
    assert set(form.errors) == {"weekday", "starts_at", "language", "count"}


def test_passwords_need_length_and_confirmation_and_are_not_stripped():
    form = Form({"password": "  ten chars ", "password_confirm": "  ten chars "})
    assert form.new_password() == "  ten chars " and form.ok
    form = Form({"password": "0123456789", "password_confirm": "0123456780"})
    form.new_password()
    assert list(form.errors) == ["password_confirm"]


@pytest.mark.parametrize(("target", "expected"), [("/profile", "/profile"), ("/committee?group=a", "/committee?group=a"),
                                                  ("https://evil.example", "/me"), ("//evil.example", "/me"),
                                                  ("/\\evil.example", "/me"), (None, "/me"), ("", "/me")])
def test_redirect_targets_stay_on_site(target, expected):
    assert safe_next(target) == expected


def test_principal_rules_per_group_and_farm():
    carol = Principal(id=1, email="c@x", name="C", household_id=1, language="", member_groups=frozenset({1}),
                      coordinator_groups=frozenset({1}), farms=frozenset(), farm_groups=frozenset())
    assert carol.coordinates(1) and not carol.coordinates(2)
    assert carol.belongs_to(1) and not carol.belongs_to(2)
    assert not carol.runs_farm(5)
    admin = Principal(id=2, email="a@x", name="A", household_id=None, language="", is_admin=True)
    assert admin.coordinates(2) and admin.runs_farm(5) and admin.coordinates_network(9)


def test_a_person_without_household_holds_no_subscription_even_one_with_no_co_household():
    from amap.contracts.access import in_household

    alone = {"household": 7, "co_household": None}
    shared = {"household": 7, "co_household": 8}
    nobody = Principal(id=3, email="n@x", name="N", household_id=None, language="")
    assert not in_household(nobody, alone) and not in_household(nobody, shared)
    seventh = Principal(id=4, email="s@x", name="S", household_id=7, language="")
    eighth = Principal(id=5, email="e@x", name="E", household_id=8, language="")
    assert in_household(seventh, alone) and in_household(eighth, shared) and not in_household(eighth, alone)
