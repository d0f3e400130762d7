"""The large demo's money received: most installments due so far paid, some households late with
their last one, a few typing slips corrected by a negative row, and last months' cheques handed
over to the farms in one remittance per offer and month."""

from __future__ import annotations

from datetime import date

from amap.contracts.schedule import schedule
from amap.demo_large.bulk import insert, insert_ids
from amap.demo_large.data import BANKS
from amap.demo_large.world import World, at
from amap.payments.tables import Payment, Remittance

SLIP_CENTS = 1000


async def insert_payments(world: World) -> None:
    rng, today = world.rng, world.today
    this_month = date(today.year, today.month, 1)
    received = []  # (subscription, amount, method, cheque number, bank, received_on, note)
    for sub in world.signed:
        if sub.status == "waiting":
            continue
        _, count, method, first_due = sub.offer.plans[sub.plan]
        due = [(day, amount) for day, amount in schedule(sub.total_cents, count, first_due, sub.signed_on)
               if day <= today]
        bank = rng.choice(BANKS)
        late = rng.random() < 0.07
        for number, (due_on, amount) in enumerate(due, start=1):
            if late and number == len(due) and (today - due_on).days < 45:
                continue  # this household is late with its last cheque
            cheque = str(rng.randint(1_000_000, 9_999_999)) if method == "cheque" else ""
            if number == 1 and rng.random() < 0.004:  # typed 10 euros too much, corrected by a new row
                received.append((sub, amount + SLIP_CENTS, method, cheque, bank, due_on, ""))
                received.append((sub, -SLIP_CENTS, method, "", "", due_on,
                                 "Erreur de saisie : 10 € de trop sur le premier chèque."))
                continue
            received.append((sub, amount, method, cheque, bank if cheque else "", due_on,
                             "" if cheque else "Virement reçu"))

    # Cheques of the months before this one went to the farms, one slip per offer and month.
    bundles = sorted({(sub.offer.id, day.replace(day=1)) for sub, amount, method, _, _, day, _ in received
                      if method == "cheque" and amount > 0 and day < this_month})
    offers = {offer.id: offer for offer in world.offers}
    handed = {key: min(date(key[1].year + key[1].month // 12, key[1].month % 12 + 1, 10), today) for key in bundles}
    remittance_ids = dict(zip(bundles, await insert_ids(Remittance, [
        Remittance(farm=offers[offer_id].farm.id, offer=offer_id, handed_over_on=handed[(offer_id, month)],
                   created_by=offers[offer_id].group.coordinators[0], created_at=at(handed[(offer_id, month)], 21))
        for offer_id, month in bundles]), strict=True))
    await insert(Payment, [
        Payment(subscription=sub.id, amount_cents=amount, method=method, cheque_number=cheque, bank=bank,
                received_on=day, note=note, recorded_by=sub.offer.group.coordinators[0],
                recorded_at=at(day, 21, 30 if amount < 0 else 0),
                remittance=remittance_ids.get((sub.offer.id, day.replace(day=1))) if cheque and amount > 0 else None)
        for sub, amount, method, cheque, bank, day, note in received])
