"""LM's forecast step: per-call probabilities (second_call_prob, conversion_prob_forecast, complaint_prob)
learned from the call history. :mod:`lm.forecast.learn` is the learning core (no warehouse access)."""
