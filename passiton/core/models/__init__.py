"""Storage: SQLAlchemy 2 typed models, one module per aggregate.

Every table but `shops` belongs to one shop (shop_id). The names are re-exported here so that
code and migrations import models from one place.
"""

from passiton.core.models.base import Base, Money, UTCDateTime, stored_enum, utcnow
from passiton.core.models.deliveries import WebhookDelivery
from passiton.core.models.friend_codes import FriendCode, FriendCodeStatus, FriendOffer
from passiton.core.models.ledger import (
    EntryKind,
    LedgerEntry,
    RewardCode,
    RewardCodeStatus,
    RewardKind,
)
from passiton.core.models.mail import (
    EmailMessage,
    EmailSuppression,
    MailSettings,
    MessageKind,
    MessageStatus,
    SuppressionReason,
)
from passiton.core.models.milestones import MilestoneGrant
from passiton.core.models.orders import OrderRecord, OrderRefund
from passiton.core.models.outbound_hooks import (
    HookDelivery,
    HookDeliveryStatus,
    HookEndpoint,
    LinkPublication,
    LinkPublicationStatus,
)
from passiton.core.models.privacy import DataExport, EmailKeyCollision, Redaction
from passiton.core.models.referrals import (
    Customer,
    LinkVisitChannelDay,
    LinkVisitDay,
    Referral,
    ReferralStatus,
)
from passiton.core.models.shops import ApiKey, Platform, ProgramSettingsVersion, Shop, ShopStatus

__all__ = [
    "ApiKey",
    "Base",
    "Customer",
    "DataExport",
    "EmailKeyCollision",
    "EmailMessage",
    "EmailSuppression",
    "EntryKind",
    "FriendCode",
    "FriendCodeStatus",
    "FriendOffer",
    "HookDelivery",
    "HookDeliveryStatus",
    "HookEndpoint",
    "LedgerEntry",
    "LinkPublication",
    "LinkPublicationStatus",
    "LinkVisitChannelDay",
    "LinkVisitDay",
    "MailSettings",
    "MessageKind",
    "MessageStatus",
    "MilestoneGrant",
    "Money",
    "OrderRecord",
    "OrderRefund",
    "Platform",
    "ProgramSettingsVersion",
    "Redaction",
    "Referral",
    "ReferralStatus",
    "RewardCode",
    "RewardCodeStatus",
    "RewardKind",
    "Shop",
    "ShopStatus",
    "SuppressionReason",
    "UTCDateTime",
    "WebhookDelivery",
    "stored_enum",
    "utcnow",
]
