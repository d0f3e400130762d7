"""Infrastructure tables shared by every process: the key-value store and counters."""
