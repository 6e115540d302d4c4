"""The /v1 client and the sync engine: pull the change feed, push the outbox."""
