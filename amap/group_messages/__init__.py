"""Messages a group's committee writes to part of the group: who receives them, sending, history.

Not a Piccolo app: the GroupMessage rows live with the notifications. It sits above the season
domains (contracts, payments, distributions, roster) because choosing recipients reads them all,
which the notifications, knowing no domain, may not.
"""
