"""A failed statement's error names the statement, never the values it carried.

Errors end up in logs and, for a task that fails for good, in the queue's stored results
(Huey keeps the exception and its traceback): the values of an insert into `customers` are
a customer's e-mail and name.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from passiton.app.database import Database
from passiton.core.models import Customer, Platform
from passiton.core.services.shops import install_shop


def test_a_failed_insert_does_not_repeat_the_customers_address(db: Database) -> None:
    shop_id = db.run(lambda s: install_shop(s, platform=Platform.FAKE, domain="a.example").id)
    values = {
        "shop_id": shop_id,
        "email": "zuleika@example.com",
        "first_name": "Zuleika",
        "referral_code": "ZQ7K2M",
        "points_available": -1,  # breaks a check constraint
    }

    with pytest.raises(IntegrityError) as failure:
        db.run(lambda s: s.execute(insert(Customer).values(**values)))

    message = str(failure.value).lower()
    assert "available_not_negative" in message
    assert "zuleika" not in message
