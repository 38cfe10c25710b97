"""LM: call-centre analytics layer."""
