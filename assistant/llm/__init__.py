"""Generative answering: chat-model backends, prompts from files, and checks on what a model writes."""
