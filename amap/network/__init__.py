"""Regional networks of groups and producers, in the manner of RELACC."""
