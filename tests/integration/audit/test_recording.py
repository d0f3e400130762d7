"""Each change a committee needs to trace leaves exactly one audit event, written with the change:
who, when, and the values that matter; a refused or failed change leaves none."""

from datetime import date

import pytest
import time_machine

from amap.audit import log as audit
from amap.audit.tables import AuditEvent
from amap.contracts import lifecycle
from amap.contracts.tables import Amendment
from amap.payments import services
from amap.payments.tables import Payment
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_ledger import delivery_of, distribution_on, vegetables
from tests.integration.payments.conftest import TODAY, cheque
from tests.world import add_offer

SIGNUP_TIME = time_machine.travel("2027-03-01 10:00 +01:00", tick=False)
DAY_AFTER = time_machine.travel("2027-04-09 10:00 +02:00", tick=False)


async def events(kind: str, action: str | None = None) -> list[dict]:
    query = AuditEvent.select().where(AuditEvent.subject_kind == kind).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return await query.output(load_json=True)


async def test_a_payment_recorded_through_the_form_leaves_one_event_with_the_treasurer_and_amount(
        client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, cheque(season.alice))
    assert response.status_code == 303
    payment = await Payment.objects().get(Payment.subscription == season.alice)
    [event] = await events("payment")
    assert (event["action"], event["subject_id"], event["actor"], event["group"]) == (
        "recorded", payment.id, world.users["carol"], world.tilleuls)
    assert (event["parent_kind"], event["parent_id"]) == ("subscription", season.alice)
    assert event["details"]["amount_cents"] == 8840 and event["details"]["method"] == "cheque"
    assert event["details"]["received_on"] == TODAY.isoformat() and event["details"]["cheque_number"] == "1234567"


async def test_a_correction_is_its_own_event_with_its_negative_amount_and_reason(client, world, season,
                                                                                 on_payment_day):
    await login(client, "carol@example.org")
    await post_form(client, season.url, cheque(season.alice))
    corrected = await post_form(client, season.url, {"subscription": str(season.alice), "amount": "-88,40",
                                                     "method": "cheque", "cheque_number": "1234567",
                                                     "bank": "Crédit Agricole", "received_on": TODAY.isoformat(),
                                                     "note": "Chèque rejeté par la banque"})
    assert corrected.status_code == 303
    actions = [(e["action"], e["details"]["amount_cents"]) for e in await events("payment")]
    assert actions == [("recorded", 8840), ("corrected", -8840)]
    page = await client.get(f"/committee/tilleuls/history/subscription/{season.alice}")
    assert "Correction of" in page.text and "Chèque rejeté par la banque" in page.text


@pytest.mark.parametrize("missing", ["cheque_number", "bank"])
async def test_a_refused_payment_form_records_nothing(client, world, season, on_payment_day, missing):
    await login(client, "carol@example.org")
    response = await post_form(client, season.url, cheque(season.alice, **{missing: ""}))
    assert response.status_code == 400
    assert await events("payment") == [] and await Payment.count() == 0


async def test_handing_cheques_over_records_their_number_and_total(client, world, season, on_payment_day):
    await login(client, "carol@example.org")
    await post_form(client, season.url, cheque(season.alice))
    await post_form(client, season.url, cheque(season.bob, amount="260", number="7654321"))
    ids = [row["id"] for row in await Payment.select(Payment.id)]
    response = await post_form(client, f"/offers/{season.offer.offer}/remittances",
                               {"payment": [str(i) for i in ids], "handed_over_on": TODAY.isoformat()})
    assert response.status_code == 303
    [event] = await events("remittance")
    assert event["details"]["cheques"] == 2 and event["details"]["total_cents"] == 34840


async def test_signing_leaves_a_line_saying_what_was_signed(client, world, season):
    [alice] = [e for e in await events("subscription", "signed") if e["subject_id"] == season.alice]
    assert alice["actor"] == world.users["alice"] and alice["details"]["total_cents"] == 44200
    await login(client, "carol@example.org")
    page = await client.get(f"/committee/tilleuls/history/subscription/{season.alice}")
    assert page.status_code == 200
    assert "Contract signed (quantity 1, standard price): €442.00 for the season." in page.text
    assert "Alice" in page.text  # who signed


async def test_a_leave_request_and_its_approval_each_leave_a_line(client, world):
    with SIGNUP_TIME:
        offer = await add_offer(world)
        subscription = await lifecycle.sign(request_for(world, offer, "alice"))
        await login(client, "alice@example.org")
        asked = await post_form(client, f"/subscriptions/{subscription['id']}/leave",
                                {"effective_on": "2027-06-01", "reason": "Nous déménageons"})
        assert asked.status_code == 303
        amendment = await Amendment.objects().get(Amendment.subscription == subscription["id"])
        await post_form(client, "/logout")
        await login(client, "carol@example.org")
        approved = await post_form(client, f"/subscriptions/{subscription['id']}/amendments/{amendment.id}",
                                   {"decision": "approve"})
        assert approved.status_code == 303
        found = [(e["action"], e["actor"]) for e in await events("amendment")]
        assert found == [("requested", world.users["alice"]), ("approved", world.users["carol"])]
        page = await client.get(f"/subscriptions/{subscription['id']}")
        assert 'data-testid="history-link"' in page.text
        history = await client.get(f"/committee/tilleuls/history/subscription/{subscription['id']}")
    assert "Asked to leave the contract from" in history.text and "Nous déménageons" in history.text
    assert "approved" in history.text


async def test_a_member_does_not_see_the_history_link_on_her_own_contract(client, world, season):
    await login(client, "alice@example.org")
    page = await client.get(f"/subscriptions/{season.alice}")
    assert page.status_code == 200 and 'data-testid="history-link"' not in page.text


async def test_appointing_a_coordinator_and_stepping_down_are_recorded(client, world):
    await login(client, "carol@example.org")
    appointed = await post_form(client, "/committee/tilleuls/coordinators",
                                {"member_email": "bob@example.org", "title": "Trésorerie"})
    assert appointed.status_code == 303
    [event] = [e for e in await events("coordinator", "appointed") if e["details"]["user"] == world.users["bob"]]
    assert event["actor"] == world.users["carol"]
    stepped = await post_form(client, f"/committee/tilleuls/coordinators/{event['subject_id']}/end")
    assert stepped.status_code == 303
    page = await client.get("/committee/tilleuls/history?kind=coordinator")
    assert "Bob joins the committee as Trésorerie." in page.text and "Bob leaves the committee." in page.text


async def test_naming_a_contract_coordinator_and_removing_them_are_recorded(client, world):
    offer = await add_offer(world)
    await login(client, "carol@example.org")
    named = await post_form(client, f"/offers/{offer.offer}/manage/referents", {"user_id": str(world.users["bob"])})
    assert named.status_code == 303
    [event] = await events("referent", "appointed")
    assert (event["actor"], event["details"]["user"]) == (world.users["carol"], world.users["bob"])
    removed = await post_form(client, f"/offers/{offer.offer}/manage/referents/{event['subject_id']}/delete")
    assert removed.status_code == 303 and len(await events("referent", "stepped_down")) == 1
    page = await client.get(f"/committee/tilleuls/history/referent/{event['subject_id']}")
    assert "Bob becomes a coordinator of this contract." in page.text
    assert "Bob is no longer a coordinator of this contract." in page.text


async def test_a_membership_status_change_and_the_fee_are_recorded(client, world):
    await login(client, "carol@example.org")
    accepted = await post_form(client, f"/committee/tilleuls/members/{world.memberships['paula']}",
                               {"status": "active"})
    assert accepted.status_code == 303
    [event] = [e for e in await events("membership", "status_changed")]
    assert event["details"] == {"household": world.households["paula"], "before": "pending", "after": "active"}
    page = await client.get(f"/committee/tilleuls/history/membership/{world.memberships['paula']}")
    assert "Accepted as a member." in page.text and "Paula" in page.text


async def test_a_delivery_outcome_and_a_cancelled_distribution_leave_readable_lines(client, world):
    with DAY_AFTER:
        offer = await vegetables(world)
        await lifecycle.sign(request_for(world, offer, "alice"))
        eighth = await delivery_of(world, offer, date(2027, 4, 8))
        await login(client, "dan@example.org")
        recorded = await post_form(client, f"/deliveries/{eighth['id']}/outcome",
                                   {"outcome": "reduced", "missing": "Pas de tomates (grêle)",
                                    "delivered_percent": "60"})
        assert recorded.status_code == 303
        await post_form(client, "/logout")
        await login(client, "carol@example.org")
        later = await distribution_on(world, date(2027, 4, 22))
        cancelled = await post_form(client, f"/distributions/{later}/cancel", {"cancel_reason": "Cour inondée"})
        assert cancelled.status_code == 303
        distribution = await client.get(f"/distributions/{eighth['distribution']}")
        assert 'data-testid="history-link"' in distribution.text
        page = await client.get("/committee/tilleuls/history")
    [outcome] = await events("delivery")
    assert (outcome["action"], outcome["actor"], outcome["details"]["outcome"]) == (
        "outcome_recorded", world.users["dan"], "reduced")
    assert "Recorded as delivered reduced (about 60 %). Missing: Pas de tomates (grêle)" in page.text
    assert "Distribution cancelled. Reason: Cour inondée" in page.text


@pytest.mark.committed
async def test_a_failed_change_leaves_neither_the_change_nor_its_record(world, season, monkeypatch):
    real = audit.record

    async def failing(**values):
        await real(**values)  # the event is written, then the change fails
        raise RuntimeError("the disk is full")

    before = await AuditEvent.count()
    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        await services.record_payment(subscription_id=season.alice, amount_cents=8840, method="cash",
                                      received_on=TODAY, recorded_by=world.users["carol"])
    assert await Payment.count() == 0 and await AuditEvent.count() == before
    monkeypatch.undo()
    await services.record_payment(subscription_id=season.alice, amount_cents=8840, method="cash",
                                  received_on=TODAY, recorded_by=world.users["carol"])
    assert await Payment.count() == 1 and await AuditEvent.count() == before + 1
