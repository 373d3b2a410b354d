"""The service around Rasa: settings, CLI, store, process launching."""
