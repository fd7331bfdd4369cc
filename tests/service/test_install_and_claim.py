"""Flows 1 to 3: install, enrolment, friend claim."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from passiton.app.database import Database
from passiton.core.codes import looks_like_code
from passiton.core.errors import (
    InvalidEmail,
    OfferUnavailable,
    ProgramPaused,
    SelfReferral,
    UnknownReferralCode,
)
from passiton.core.events import CustomerCreated
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    Customer,
    FriendCode,
    FriendCodeStatus,
    Platform,
    Referral,
    ReferralStatus,
    ShopStatus,
)
from passiton.core.services import friend_pool
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.dispatch import apply_events
from passiton.core.services.orders import handle_order
from passiton.core.services.shops import (
    current_settings,
    get_shop,
    install_shop,
    uninstall_shop,
    update_settings,
)
from tests.support.builders import T0, claim, make_referrer, order


def _count(db: Database, model: type, *where: object) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_install_gives_default_settings_and_a_full_pool_in_one_store_call(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    with any_db.sessions() as session:
        version, settings = current_settings(session, shop_id)
    assert (version, settings.hold_days) == (1, 30)
    available = _count(any_db, FriendCode, FriendCode.status == FriendCodeStatus.AVAILABLE)
    assert available == friend_pool.POOL_TARGET
    store = stores.stores[shop_id]
    assert store.calls == 1
    assert len(store.friend_codes) == friend_pool.POOL_TARGET


def test_reinstall_after_uninstall_revives_the_same_shop(any_db: Database, shop_id: int) -> None:
    with any_db.transaction() as session:
        uninstall_shop(session, shop_id, T0)
    with any_db.transaction() as session:
        again = install_shop(session, platform=Platform.FAKE, domain="anna-shop.example")
        assert again.id == shop_id
        assert again.status is ShopStatus.ACTIVE
        assert current_settings(session, shop_id)[0] == 1


def test_paid_order_enrols_the_buyer_with_a_personal_code(any_db: Database, shop_id: int) -> None:
    buyer = order(email="Zoe@example.com")
    with any_db.transaction() as session:
        handle_order(session, shop_id, buyer, T0)
    with any_db.sessions() as session:
        customer = session.scalar(select(Customer).where(Customer.email_key == "zoe@example.com"))
        assert customer is not None
        assert looks_like_code(customer.referral_code)
        assert "FRITZ" not in customer.referral_code  # I is not in the alphabet either


def test_unpaid_order_does_not_enrol(any_db: Database, shop_id: int) -> None:
    with any_db.transaction() as session:
        handle_order(session, shop_id, order(paid=False), T0)
    assert _count(any_db, Customer) == 0


def test_customer_created_enrols_once(any_db: Database, shop_id: int) -> None:
    event = CustomerCreated(customer_id="77", email="kim@example.com", first_name="Kim")
    for _ in range(2):
        with any_db.transaction() as session:
            apply_events(session, shop_id, [event], T0)
    assert _count(any_db, Customer, Customer.platform_customer_id == "77") == 1


def test_claim_hands_out_a_pool_code_without_calling_the_store(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    calls_before = stores.stores[shop_id].calls
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    assert result.new
    assert stores.stores[shop_id].has_usable_code(result.code)
    assert stores.stores[shop_id].calls == calls_before
    found = _count(any_db, Referral, Referral.status == ReferralStatus.OFFERED)
    assert found == 1


def test_same_friend_email_gets_the_same_code_back(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    first = claim(any_db, shop_id, anna, "fritz@gmail.com")
    again = claim(any_db, shop_id, anna, "F.R.I.T.Z+shop@GMAIL.com")
    assert again.code == first.code
    assert not again.new
    assert _count(any_db, FriendCode, FriendCode.status == FriendCodeStatus.ASSIGNED) == 1


def test_friend_attributed_by_link_before_claiming_gets_a_code_on_the_same_referral(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    unpaid = order(ref_code=anna.referral_code, email="fritz@example.com", paid=False)
    any_db.run(lambda s: handle_order(s, shop_id, unpaid, T0))
    with any_db.sessions() as session:
        offered = session.scalars(select(Referral)).one()
    assert (offered.status, offered.friend_code_id) == (ReferralStatus.OFFERED, None)
    result = claim(any_db, shop_id, anna, "fritz@example.com")
    assert (result.referral_id, result.new) == (offered.id, True)
    with any_db.sessions() as session:
        attached = session.get(Referral, offered.id)
        assert attached is not None
        code = session.get(FriendCode, attached.friend_code_id)
    assert code is not None
    assert (code.code, code.status) == (result.code, FriendCodeStatus.ASSIGNED)
    assert _count(any_db, Referral) == 1


def test_a_link_of_another_shop_is_refused_and_changes_nothing(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    with any_db.transaction() as session:
        other = install_shop(session, platform=Platform.FAKE, domain="other.example").id
    with pytest.raises(UnknownReferralCode):
        any_db.run(lambda s: claim_friend_code(s, other, anna.referral_code, "f@example.com"))
    assert _count(any_db, Referral) == 0


@pytest.mark.parametrize(
    ("email", "error"),
    [("not-an-email", InvalidEmail), ("anna+x@example.com", SelfReferral)],
)
def test_bad_claims_are_refused_and_change_nothing(
    any_db: Database, shop_id: int, anna: Customer, email: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        claim(any_db, shop_id, anna, email)
    assert _count(any_db, Referral) == 0
    assert _count(any_db, FriendCode, FriendCode.status == FriendCodeStatus.ASSIGNED) == 0


def test_unknown_code_is_refused(any_db: Database, shop_id: int) -> None:
    with pytest.raises(UnknownReferralCode):
        any_db.run(lambda s: claim_friend_code(s, shop_id, "NOPE-2222", "f@example.com"))


def test_paused_program_refuses_claims(any_db: Database, shop_id: int, anna: Customer) -> None:
    with any_db.transaction() as session:
        update_settings(session, shop_id, {"enabled": False})
    with pytest.raises(ProgramPaused):
        claim(any_db, shop_id, anna, "fritz@example.com")
    assert _count(any_db, Referral) == 0


def test_empty_pool_refuses_with_offer_unavailable_and_changes_nothing(
    any_db: Database, stores: FakeStoreDirectory
) -> None:
    with any_db.transaction() as session:
        shop_id = install_shop(session, platform=Platform.FAKE, domain="empty.example").id
    anna = make_referrer(any_db, shop_id, email="a2@example.com")
    with pytest.raises(OfferUnavailable):
        claim(any_db, shop_id, anna, "fritz@example.com")
    assert _count(any_db, Referral) == 0


def test_claims_below_low_water_ask_for_a_refill(
    any_db: Database, shop_id: int, anna: Customer
) -> None:
    lows = [
        claim(any_db, shop_id, anna, f"friend{i}@example.com").pool_low
        for i in range(friend_pool.POOL_TARGET - friend_pool.LOW_WATER + 1)
    ]
    assert not any(lows[:-1])
    assert lows[-1]


def test_new_friend_offer_retires_unassigned_codes_and_refills(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int, anna: Customer
) -> None:
    kept = claim(any_db, shop_id, anna, "fritz@example.com")
    with any_db.transaction() as session:
        update_settings(session, shop_id, {"friend_discount_value": "20"})
    retired = friend_pool.retire_old_codes(any_db.sessions, stores, shop_id)
    made = friend_pool.fill_pool(any_db.sessions, stores, shop_id)
    store = stores.stores[shop_id]
    assert retired == friend_pool.POOL_TARGET - 1
    assert made == friend_pool.POOL_TARGET
    assert store.has_usable_code(kept.code)
    assert len(store.offers) == 2
    with any_db.sessions() as session:
        assert get_shop(session, shop_id).status is ShopStatus.ACTIVE
