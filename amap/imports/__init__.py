"""Moving in from spreadsheets: members, subscriptions and payments imported from CSV files."""
