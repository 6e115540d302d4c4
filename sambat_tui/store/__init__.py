"""The local SQLite cache: schema, migrations, repositories, full-text search, keyset paging.

Where things are:

- ``db.Store``: opens the cache (0600, WAL, synchronous=FULL, migrations) and owns its one writer
  connection. Write with ``with store.transaction() as conn:``; read with ``with store.read() as conn:``
  (this thread's read-only connection, one snapshot).
- ``complaints``: store what the change feed delivers (``upsert_many``), optimistic local changes
  (``put_local``, ``patch_local``), ``evict``, ``get`` / ``get_by_ref``.
- ``inbox``: keyset pages for a filter query and a sort (``page``, ``page_before``, ``first_page``,
  ``last_page``), ``count`` and ``counts`` for the tabs, with ``QueryContext`` (now, user, calendar).
- ``search``: the FTS5 index (maintained by ``complaints``; ``rebuild`` after a bulk load).
- ``timeline``, ``outbox``, ``sync_state``, ``quarantine``, ``reference``: the other tables.

Repository functions take a ``sqlite3.Connection`` and never commit: the caller's transaction decides, so
that a service can change a complaint and queue its mutation atomically.
"""
