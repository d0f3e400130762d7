"""What the large demo's builders share: the requested scale and the rows made so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from faker import Faker

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Scale:
    """How big the network is; the defaults are the issue's regional network."""

    groups: int = 20
    farms: int = 60
    households: int = 5000
    subscriptions: int = 8000
    order_lines: int = 10000
    weeks: int = 26  # weekly distributions in the season, about half of them past

    def __post_init__(self) -> None:
        if self.groups < 1 or self.households < 8 * self.groups:
            raise ValueError("at least one group and eight households per group")
        if self.farms < 8:
            raise ValueError("at least eight farms: one of each kind of contract and two order producers")


@dataclass
class GroupInfo:
    index: int
    id: int
    name: str
    slug: str
    town: str
    weekday: int
    fee_cents: int
    place: int = 0
    homes: list[tuple[int, int]] = field(default_factory=list)  # (first adult's user id, household id)
    coordinators: list[int] = field(default_factory=list)  # user ids, the treasurer first


@dataclass
class FarmInfo:
    index: int
    id: int
    name: str
    kind: str  # a season kind (data.KINDS) or "orders"
    farmer: int = 0  # the user acting for it
    groups: list[int] = field(default_factory=list)  # indexes of the groups it supplies with a contract


@dataclass
class OfferInfo:
    """A published season contract of one group, from one farm."""

    id: int
    group: GroupInfo
    farm: FarmInfo
    kind: str
    dates: list[date]
    shares: list[int] = field(default_factory=list)  # OfferShare ids, in the order of the kind's shares
    plans: list[tuple[int, int, str, date]] = field(default_factory=list)  # (id, installments, method, first due)


@dataclass
class Signed:
    """A subscription, planned in full before it is inserted."""

    offer: OfferInfo
    user: int
    household: int
    share: int  # index in the kind's shares
    tier: str
    quantity: int
    plan: int  # index in offer.plans
    signed_on: date
    status: str  # active | waiting | ended
    price_cents: int
    deliveries: list[date]
    donation_cents: int = 0
    co_household: int | None = None
    sharing: str = "together"
    ended_on: date | None = None
    id: int = 0

    @property
    def total_cents(self) -> int:
        if self.status == "waiting":
            return 0
        return self.price_cents * self.quantity * len(self.deliveries) + self.donation_cents

    def holds_on(self, day: date) -> bool:
        return (self.status != "waiting" and bool(self.deliveries) and self.deliveries[0] <= day
                and (self.ended_on is None or day < self.ended_on))


@dataclass
class World:
    scale: Scale
    today: date
    now: datetime
    rng: random.Random
    fake: Faker
    password_hash: str
    groups: list[GroupInfo] = field(default_factory=list)
    farms: list[FarmInfo] = field(default_factory=list)
    network: int = 0
    logins: dict[str, int] = field(default_factory=dict)  # demo e-mail -> user id
    member_home: tuple[int, int] = (0, 0)  # member@'s (user id, household id)
    kitchens: list[tuple[int, int, int]] = field(default_factory=list)  # (user id, household id, group index)
    offers: list[OfferInfo] = field(default_factory=list)
    signed: list[Signed] = field(default_factory=list)

    @property
    def starts_on(self) -> date:
        """The season's first Monday: half of its weeks before this week."""
        monday = self.today - timedelta(days=self.today.weekday())
        return monday - timedelta(weeks=self.scale.weeks // 2)

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(weeks=self.scale.weeks) - timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a day in Paris, as the aware UTC datetime the tables store."""
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up to `total` (largest remainders)."""
    scale = sum(weights)
    exact = [total * weight / scale for weight in weights]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[:total - sum(counts)]:
        counts[i] += 1
    return counts
