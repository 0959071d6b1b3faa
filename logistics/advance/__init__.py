"""The advance: an army's plan (each formation's route, pace, march schedule, supply specs and
means of movement) and the hour-by-hour step loop that moves its formations along it."""
