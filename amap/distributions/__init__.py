"""Distribution days: the calendar, what each contract delivers, harvest announcements, the
risk-sharing ledger, absences and the sign-off sheet."""
