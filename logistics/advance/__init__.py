"""The advance: a scenario's plan (route, profiles, stops, fuel, supply, schedule) and the
hour-by-hour step loop that moves the formation along it."""
