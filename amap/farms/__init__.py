"""Farms (producers), the people who run them and the groups they supply."""
