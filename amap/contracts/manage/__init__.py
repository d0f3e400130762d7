"""The pages where farmers, the committee and référents define share types and contract offers."""

from amap.contracts.manage.farm import NewOfferController, ShareTypeController
from amap.contracts.manage.offer import OfferManageController

__all__ = ["NewOfferController", "OfferManageController", "ShareTypeController"]
