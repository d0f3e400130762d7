"""Pages that bring several domains together: the public front, a member's home, health."""
