"""Collection calendars: planning a horizon of days, each point on one of its allowed patterns
(:mod:`routing.calendar.model`), and the planner that chooses them and routes each day
(:mod:`routing.calendar.planner`)."""
