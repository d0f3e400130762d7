"""Importing contracts signed on paper: signed as on the web, as of the day written, capacity kept."""

from __future__ import annotations

from datetime import date

from amap.contracts import lifecycle
from amap.contracts.lifecycle import SignRequest
from amap.contracts.tables import Installment, OfferShare, Subscription
from tests.integration.imports.conftest import check_of, confirm, counts, imported, sent_back, upload
from tests.world import add_offer

HEADER = "E-mail;Contrat;Panier;Quantité;Tarif;Signé le;Échéances\n"


async def subscription_of(world, who: str, offer) -> dict:
    return await Subscription.select().where(
        (Subscription.household == world.households[who]) & (Subscription.offer == offer.offer)).first()


async def test_contracts_are_signed_as_of_their_day_with_a_schedule_adding_up_to_the_total(carol, world):
    offer = await add_offer(world)
    text = HEADER + ("alice@example.org;Légumes 2027;Panier complet;1;Standard;15/02/2027;5\n"
                     f"bob@example.org;{offer.offer};demi-panier;2;solidarity;2027-03-01;1\n")
    done = await imported(carol, "subscriptions", text.encode())
    alice, bob = await subscription_of(world, "alice", offer), await subscription_of(world, "bob", offer)
    assert (alice["status"], alice["deliveries"], alice["total_cents"]) == ("active", 26, 26 * 1700)
    assert (bob["tier"], bob["quantity"], bob["total_cents"]) == ("solidarity", 2, 2 * 26 * 1400)
    assert alice["signed_by"] == world.users["carol"]  # who recorded the signature in the app
    for subscription, installments in ((alice, 5), (bob, 1)):
        schedule = await Installment.select().where(Installment.subscription == subscription["id"])
        assert len(schedule) == installments
        assert sum(line["amount_cents"] for line in schedule) == subscription["total_cents"]
    assert (await OfferShare.objects().get(OfferShare.id == offer.half_share)).taken == 2
    page = await carol.get(done.headers["location"])
    assert "2 contracts signed" in page.text


async def test_a_full_share_is_a_problem_and_nothing_is_signed(carol, world):
    offer = await add_offer(world, half_capacity=1)
    text = HEADER + ("alice@example.org;Légumes 2027;Demi-panier;1;;15/02/2027;1\n"
                     "bob@example.org;Légumes 2027;Demi-panier;1;;15/02/2027;1\n"
                     "carol@example.org;Légumes 2027;Demi-panier;2;;15/02/2027;1\n")
    before = await counts()
    preview = await upload(carol, "subscriptions", text.encode())
    assert "ok" in check_of(preview, 2)
    assert "is full: 0 places left" in check_of(preview, 3) and "is full: 0 places left" in check_of(preview, 4)
    assert 'data-testid="confirm-form"' not in preview.text
    assert await counts() == before
    assert (await OfferShare.objects().get(OfferShare.id == offer.half_share)).taken == 0


async def test_each_wrong_value_is_shown_on_its_line(carol, world):
    offer = await add_offer(world)
    await lifecycle.sign(SignRequest(offer_id=offer.offer, household_id=world.households["bob"],
                                     user_id=world.users["bob"], offer_share_id=offer.full_share, tier="standard",
                                     quantity=1, payment_plan_id=offer.plan_one, today=date(2027, 3, 1)))
    text = HEADER + ("alice@example.org;Fromages 2027;Panier complet;1;;15/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier géant;1;;15/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;-1;;15/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;1;;31/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;1;;15/04/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;1;premium;15/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;1;;15/02/2027;\n"
                     "bob@example.org;Légumes 2027;Demi-panier;1;;15/02/2027;1\n"
                     "erin@example.org;Légumes 2027;Panier complet;1;;15/02/2027;1\n"
                     "nobody@example.org;Légumes 2027;Panier complet;1;;15/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;1;;15/01/2027;1\n")
    before = await counts()
    preview = await upload(carol, "subscriptions", text.encode())
    assert preview.status_code == 200
    expected = {2: "No contract of the group is named", 3: "is not a share of this contract",
                4: "Enter a number between 1 and 10", 5: "is not a date", 6: "not in the future", 7: "Write one of",
                8: "in how many installments", 9: "already has this contract", 10: "not a member of the group",
                11: "import the members first", 12: "outside the contract&#39;s signing period"}
    assert {line: message in check_of(preview, line) for line, message in expected.items()} == dict.fromkeys(
        expected, True)
    assert await counts() == before


async def test_importing_the_same_contracts_twice_signs_them_once(carol, world):
    offer = await add_offer(world)
    preview = await upload(carol, "subscriptions", (HEADER + "alice@example.org;Légumes 2027;;1;;15/02/2027;5\n"
                                                    ).encode())
    assert "Write one of the shares of this contract" in check_of(preview, 2)  # two shares: say which
    text = HEADER + "alice@example.org;Légumes 2027;Panier complet;1;;15/02/2027;5\n"
    preview = await upload(carol, "subscriptions", text.encode())
    assert (await confirm(carol, "subscriptions", sent_back(preview))).status_code == 303
    after_first = await counts()
    again = await confirm(carol, "subscriptions", sent_back(preview))
    assert again.status_code == 400 and "already has this contract" in check_of(again, 2)
    assert await counts() == after_first
    assert await Subscription.count().where(Subscription.offer == offer.offer) == 1


async def test_members_imported_just_before_can_be_given_their_contracts(carol, world):
    offer = await add_offer(world)
    await imported(carol, "members", "Name,Email\nHélène Côté,helene.cote@example.org\n".encode())
    text = HEADER + "helene.cote@example.org;Légumes 2027;Panier complet;1;Solidaire;01/03/2027;1\n"
    await imported(carol, "subscriptions", text.encode())
    sub = await Subscription.select(Subscription.tier, Subscription.status).where(Subscription.offer == offer.offer)
    assert sub == [{"tier": "solidarity", "status": "active"}]


async def test_a_reduced_price_paid_for_by_a_solidarity_price_earlier_in_the_same_file_is_accepted(carol, world):
    """The preview runs the rows in order as the import does: the solidarity pool grows row by row."""
    offer = await add_offer(world)
    alone = HEADER + "alice@example.org;Légumes 2027;Panier complet;1;Reduced;15/02/2027;1\n"
    assert "solidarity pool is used up" in check_of(await upload(carol, "subscriptions", alone.encode()), 2)
    text = HEADER + ("bob@example.org;Légumes 2027;Panier complet;1;Solidarity;15/02/2027;1\n"
                     "alice@example.org;Légumes 2027;Panier complet;1;Reduced;15/02/2027;1\n")
    await imported(carol, "subscriptions", text.encode())
    assert (await subscription_of(world, "alice", offer))["total_cents"] == 26 * 1300
