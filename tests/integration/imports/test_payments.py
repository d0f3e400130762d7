"""Importing payments received: recorded as the treasurer's page records them, never twice."""

from __future__ import annotations

from datetime import date

import pytest

from amap.contracts import lifecycle
from amap.contracts.lifecycle import SignRequest
from amap.payments import services
from amap.payments.tables import Payment
from tests.integration.imports.conftest import check_of, confirm, counts, imported, sent_back, upload
from tests.world import add_offer

HEADER = "Courriel;Contrat;Montant;Reçu le;Mode de paiement;N° chèque;Banque\n"
TODAY = date(2027, 3, 10)


@pytest.fixture
async def season(world) -> dict[str, int]:
    """Alice signed the vegetables in five cheques (442 €), Bob a half share in one (260 €)."""
    offer = await add_offer(world)
    signed = {}
    for who, share, plan in (("alice", offer.full_share, offer.plan_five), ("bob", offer.half_share, offer.plan_one)):
        signed[who] = (await lifecycle.sign(SignRequest(
            offer_id=offer.offer, household_id=world.households[who], user_id=world.users[who], offer_share_id=share,
            tier="standard", quantity=1, payment_plan_id=plan, today=date(2027, 2, 15))))["id"]
    return signed


async def test_payments_received_show_in_the_subscriptions_balance(carol, client, world, season):
    text = HEADER + ("alice@example.org;Légumes 2027;88,40;05/03/2027;Chèque;1234567;Crédit Agricole\n"
                     "arthur@example.org;Légumes 2027;45.50 €;2027-03-06;virement;;\n"
                     "bob@example.org;Légumes 2027;260;06/03/2027;cash;;\n")
    done = await imported(carol, "payments", text.encode())
    balances = await services.balances([season["alice"], season["bob"]], TODAY)
    assert balances[season["alice"]].received_cents == 8840 + 4550  # Arthur pays for Alice's household
    assert balances[season["bob"]].outstanding_cents == 0
    cheque = await Payment.select().where(Payment.method == "cheque").first()
    assert (cheque["cheque_number"], cheque["bank"], cheque["recorded_by"]) == ("1234567", "Crédit Agricole",
                                                                                world.users["carol"])
    assert "3 payments" in (await carol.get(done.headers["location"])).text
    page = await carol.get(f"/subscriptions/{season['alice']}")
    assert page.status_code == 200 and "1234567" in page.text


async def test_negative_zero_or_unreadable_amounts_and_bad_values_are_shown_on_their_lines(carol, world, season):
    text = HEADER + ("alice@example.org;Légumes 2027;-10;05/03/2027;virement;;\n"
                     "alice@example.org;Légumes 2027;0;05/03/2027;virement;;\n"
                     "alice@example.org;Légumes 2027;dix euros;05/03/2027;virement;;\n"
                     "alice@example.org;Légumes 2027;10;30/02/2027;virement;;\n"
                     "alice@example.org;Légumes 2027;10;05/03/2027;bitcoin;;\n"
                     "alice@example.org;Légumes 2027;10;05/03/2027;chèque;;\n"
                     "carol@example.org;Légumes 2027;10;05/03/2027;virement;;\n"
                     "alice@example.org;Légumes 2027;10;05/04/2027;virement;;\n"
                     "alice@example.org;Légumes 2027;2000000;05/03/2027;virement;;\n")
    before = await counts()
    preview = await upload(carol, "payments", text.encode())
    expected = {2: "above zero", 3: "above zero", 4: "Enter an amount in euros", 5: "is not a date",
                6: "Write one of", 7: "Enter the cheque&#39;s number", 8: "no signed contract",
                9: "not in the future", 10: "at most"}
    assert {line: message in check_of(preview, line) for line, message in expected.items()} == dict.fromkeys(
        expected, True)
    assert 'data-testid="confirm-form"' not in preview.text
    assert await counts() == before


async def test_the_same_payments_imported_twice_are_recorded_once(carol, world, season):
    text = HEADER + ("alice@example.org;Légumes 2027;88,40;05/03/2027;Chèque;1234567;Crédit Agricole\n"
                     "bob@example.org;Légumes 2027;260;06/03/2027;Virement;;\n")
    preview = await upload(carol, "payments", text.encode())
    assert (await confirm(carol, "payments", sent_back(preview))).status_code == 303
    after_first = await counts()
    again = await confirm(carol, "payments", sent_back(preview))
    assert again.status_code == 400
    assert "already recorded" in check_of(again, 2) and "already recorded" in check_of(again, 3)
    assert await counts() == after_first
    doubled = HEADER + ("alice@example.org;Légumes 2027;88,40;05/03/2027;Chèque;7654321;CIC\n"
                        "alice@example.org;Légumes 2027;88,40;05/03/2027;Chèque;7654321;CIC\n")
    assert "same payment as line 2" in check_of(await upload(carol, "payments", doubled.encode()), 3)


async def test_a_payment_from_a_household_without_that_contract_is_a_problem(carol, world, season):
    await imported(carol, "members", b"Name,Email\nNoe,noe@example.org\n", invite=False)
    text = HEADER + ("erin@example.org;Légumes 2027;10;05/03/2027;virement;;\n"
                     "noe@example.org;Légumes 2027;10;05/03/2027;virement;;\n")
    preview = await upload(carol, "payments", text.encode())
    assert "no signed contract" in check_of(preview, 2) and "no signed contract" in check_of(preview, 3)
