"""The site administrator's page: creating groups and farms, granting roles."""
