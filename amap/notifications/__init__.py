"""Sending messages: it sends what it is given and knows no domain."""
