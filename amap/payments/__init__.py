"""Payments members make directly to the farm, as the committee records them."""
