"""Calling language models: a recorded client with a price table, and a scripted
OpenAI-compatible server to test agents against."""
