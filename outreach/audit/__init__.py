"""The auditor's screens: who looked up which citizen, unusual look-ups, a citizen's access report.

Everything an auditor may read comes from ``outreach.access.access_events_visible_to``; reading
the log about a citizen is itself a look-up and is logged (purpose "audit").
"""
