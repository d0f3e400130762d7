"""AMAP groups: their places and times, member households, committees and invitations."""
