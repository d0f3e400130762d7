"""Volunteer rosters: roles and needs, slots, sign-ups and swaps, obligations, the committee."""
