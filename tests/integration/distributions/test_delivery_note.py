"""The farmer's delivery note: how many shares of each type to bring to one distribution."""

from datetime import date

import pytest

from amap.contracts import lifecycle
from amap.distributions import outcomes
from tests.integration.conftest import login
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_ledger import (
    announce,
    delivery_of,
    distribution_on,
    eggs_offer,
    veg,
    vegetables,
)

FIRST, EIGHTH, FIFTEENTH = date(2027, 4, 1), date(2027, 4, 8), date(2027, 4, 15)


async def two_contracts(world):
    """Vegetables: Alice and Carol full shares, Bob two half shares (Carol leaves after 8 April).
    Eggs, chosen date by date: Alice 4 boxes on 1 April, Bob 1 box on 8 April."""
    veg_offer = await vegetables(world)
    eggs = await eggs_offer(world)
    await lifecycle.sign(request_for(world, veg_offer, "alice"))
    carol = await lifecycle.sign(request_for(world, veg_offer, "carol"))
    await lifecycle.sign(request_for(world, veg_offer, "bob", share=veg_offer.half_share, quantity=2))
    amendment = await lifecycle.request_leave(carol["id"], FIFTEENTH, "Départ", world.users["carol"])
    await lifecycle.decide_leave(amendment, True, world.users["dan"], today=date(2027, 4, 2))
    await lifecycle.sign(request_for(world, eggs, "alice", plan=eggs.plan_one, quantities={FIRST: 4}))
    await lifecycle.sign(request_for(world, eggs, "bob", plan=eggs.plan_one, quantities={EIGHTH: 1}))
    return veg_offer, eggs


def row(html: str, share: int) -> str:
    return html.split(f'data-testid="delivery-note-share-{share}"')[1].split("</tr>")[0]


def units(html: str, share: int) -> int:
    return int(row(html, share).split('data-testid="delivery-note-units"><strong>')[1].split("<")[0])


async def test_the_note_counts_each_share_type_with_variable_quantities_and_multiplies_the_items(client, world):
    veg_offer, eggs = await two_contracts(world)
    await announce(world, veg_offer, FIRST, [veg("Carottes", "1.5", "kg", 300)], [veg("Carottes", "0.75", "kg", 300)])
    await login(client, "dan@example.org")
    note = await client.get(f"/distributions/{await distribution_on(world, FIRST)}/delivery-note?farm=ferme-tilleuls")
    assert note.status_code == 200 and 'data-testid="delivery-note"' in note.text and "data-print" in note.text
    assert units(note.text, veg_offer.full_share) == 2 and units(note.text, veg_offer.half_share) == 2
    assert "Carottes\xa0: 3 kg" in row(note.text, veg_offer.full_share)  # 1,5 kg × 2 full shares
    assert "Carottes\xa0: 1,5 kg" in row(note.text, veg_offer.half_share)  # 0,75 kg × 2 half shares
    assert units(note.text, eggs.full_share) == 4  # Alice's boxes for that date
    eighth = await client.get(f"/distributions/{await distribution_on(world, EIGHTH)}/delivery-note?farm=ferme-tilleuls")
    assert units(eighth.text, eggs.full_share) == 1 and units(eighth.text, veg_offer.full_share) == 2
    fifteenth = await client.get(f"/distributions/{await distribution_on(world, FIFTEENTH)}/delivery-note")
    assert units(fifteenth.text, veg_offer.full_share) == 1  # Carol left on the 15th


async def test_a_catch_up_due_that_day_is_on_the_note(client, world):
    veg_offer, _ = await two_contracts(world)
    eighth = await delivery_of(world, veg_offer, EIGHTH)
    fifteenth = await distribution_on(world, FIFTEENTH)
    await outcomes.record(eighth, outcomes.Outcome("cancelled", cause="Inondé", catch_up_distribution=fifteenth),
                          world.users["dan"])
    await login(client, "carol@example.org")  # the group's committee prints it too
    note = (await client.get(f"/distributions/{fifteenth}/delivery-note?farm=ferme-tilleuls")).text
    regular = note.split('data-testid="delivery-note-regular"')[1].split("</table>")[0]
    catch_up = note.split('data-testid="delivery-note-catch-up"')[1].split("</table>")[0]
    # The catch-up brings what the 8 April owed: Carol still held her share then.
    assert units(catch_up, veg_offer.full_share) == 2 and units(regular, veg_offer.full_share) == 1


@pytest.mark.parametrize(("who", "query", "status"), [
    ("dan", "?farm=ferme-tilleuls", 200), ("dan", "", 200), ("carol", "", 200), ("carol", "?farm=ferme-tilleuls", 200),
    ("fanny", "?farm=ferme-tilleuls", 404), ("fanny", "?farm=ferme-canal", 404), ("fanny", "", 404),
    ("alice", "?farm=ferme-tilleuls", 404), ("cyril", "", 404), ("dan", "?farm=nowhere", 404),
])
async def test_the_note_is_for_the_farm_and_the_groups_committee_only(client, world, who, query, status):
    await two_contracts(world)
    await login(client, f"{who}@example.org")
    response = await client.get(f"/distributions/{await distribution_on(world, FIRST)}/delivery-note{query}")
    assert response.status_code == status
