"""The only door the UI uses: each user action becomes one store transaction plus an outbox mutation."""
