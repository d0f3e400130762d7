"""Season contracts: share types, offers with their calendar and prices, signed subscriptions."""
