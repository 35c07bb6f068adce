"""Readers: one per container format. Each yields the events of readers.base."""
