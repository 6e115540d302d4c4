"""The local SQLite cache: schema, migrations, repositories, full-text search, keyset paging."""
