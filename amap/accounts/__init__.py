"""Households, people who log in, password resets and API tokens."""
