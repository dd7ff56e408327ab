"""Rasa custom actions: parse the tracker, call the rules engine and the registry, render."""
