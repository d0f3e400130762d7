"""The audit log: who changed what and when, across payments, contracts, memberships and distributions."""
