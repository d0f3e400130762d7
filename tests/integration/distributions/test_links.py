"""People find the distribution tools from the pages they already use."""

import time_machine

from amap.distributions.calendar import sync_group
from amap.distributions.tables import Delivery, Distribution
from tests.integration.conftest import login, post_form
from tests.world import add_offer


@time_machine.travel("2027-03-01 10:00 +01:00", tick=False)
async def test_farmer_coordinator_and_member_each_see_their_own_links(client, world):
    offer = await add_offer(world)
    await sync_group(world.tilleuls)
    first = await Distribution.objects().where(Distribution.group == world.tilleuls).order_by(
        Distribution.held_on).first()
    delivery = await Delivery.objects().get(Delivery.distribution == first.id)

    await login(client, "dan@example.org")
    farm = await client.get("/farm")
    assert f"/deliveries/{delivery.id}/announcement" in farm.text
    manage = await client.get(f"/offers/{offer.offer}/manage")
    assert 'data-testid="ledger-link"' in manage.text
    await post_form(client, "/logout")

    await login(client, "carol@example.org")
    day = await client.get(f"/distributions/{first.id}")
    assert 'data-testid="sheet-link"' in day.text and f'data-testid="announce-{delivery.id}"' in day.text
    await post_form(client, "/logout")

    await login(client, "alice@example.org")
    day = await client.get(f"/distributions/{first.id}")
    assert 'data-testid="sheet-link"' not in day.text and f'data-testid="announce-{delivery.id}"' not in day.text
    assert 'data-testid="absence-link"' in day.text
