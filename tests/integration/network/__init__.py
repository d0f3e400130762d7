"""The regional network: directory, public pages, aggregated demand, fair-price figures, API."""
