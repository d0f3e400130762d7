"""The distribution calendar derived from the contracts, and the absence deadline."""

from datetime import UTC, date, datetime, time

from amap.contracts.tables import Offer, OfferDelivery
from amap.distributions.calendar import absence_deadline, sync_group, sync_groups
from amap.distributions.tables import Delivery, Distribution
from amap.groups.tables import Place
from tests.queries import counted_queries
from tests.world import add_offer


async def test_published_offers_fill_the_calendar_once_and_share_their_days(world):
    vegetables = await add_offer(world)
    eggs = await add_offer(world, deliveries=4)
    await add_offer(world, publish=False)  # a draft does not deliver
    assert await sync_group(world.tilleuls) == 26 + 4
    assert await sync_group(world.tilleuls) == 0  # idempotent
    assert await Distribution.count().where(Distribution.group == world.tilleuls) == 26
    first = await Distribution.objects().get(Distribution.held_on == date(2027, 4, 1))
    assert (first.starts_at, first.ends_at) == (time(18, 30), time(20, 0))
    both = await Delivery.select(Delivery.offer).where(Delivery.distribution == first.id)
    assert {row["offer"] for row in both} == {vegetables.offer, eggs.offer}
    await Offer.update({Offer.status: "closed"}).where(Offer.id == vegetables.offer)
    assert await sync_group(world.tilleuls) == 0  # closed offers keep their deliveries


async def test_a_view_of_the_calendar_syncs_only_the_groups_missing_a_delivery_and_else_only_reads(world):
    """The calendar pages and the API ask on every view: with nothing missing, one read and no write."""
    vegetables = await add_offer(world)
    await add_offer(world, publish=False)  # a draft's dates are not the calendar's
    groups = [world.tilleuls, world.canal]
    assert await sync_groups(groups) == 26
    with counted_queries() as counted:
        assert await sync_groups(groups) == 0
    assert counted[0] == 1
    await OfferDelivery.insert(OfferDelivery(offer=vegetables.offer, delivers_on=date(2027, 12, 2)))
    assert await sync_groups(groups) == 1
    await Place.delete().where(Place.group == world.tilleuls)  # no place: nothing sync_group could add
    await OfferDelivery.insert(OfferDelivery(offer=vegetables.offer, delivers_on=date(2027, 12, 9)))
    with counted_queries() as counted:
        assert await sync_groups(groups) == 0
    assert counted[0] == 1


def test_the_absence_deadline_is_48_hours_before_in_the_groups_time_even_across_a_dst_change():
    # Paris leaves summer time in the night of 25 October 2026: 48 h before Tuesday 18:30 (UTC+1)
    # is Sunday 18:30 (UTC+1) = 17:30 UTC; counting naively in UTC+2 would give 16:30 UTC.
    deadline = absence_deadline(date(2026, 10, 27), time(18, 30), "Europe/Paris", 48)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 25, 17, 30, tzinfo=UTC)
    spring = absence_deadline(date(2027, 3, 30), time(18, 30), "Europe/Paris", 48)
    assert spring.astimezone(UTC) == datetime(2027, 3, 28, 16, 30, tzinfo=UTC)
