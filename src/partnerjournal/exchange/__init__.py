"""Journals leaving and entering, one module per job:

- ``kinds``: the one description of the record kinds (fields, types, checks, links);
- ``formats``: what every format shares (the export's header, what readers yield);
- ``json``, ``markdown``: each format's writer and reader together; ``jrnl``: jrnl's
  JSON export, read;
- ``merge``: the merge of several machines' journals (versions, deletes, conflicts);
- ``sync``: the sync file each journal writes in a shared folder;
- ``encryption``: the age format for files that leave the machine.

``exporters.py`` and ``importers.py`` map format names to writers and readers; the SQL
that reads and writes records lives in ``store/transfer.py`` and ``store/sync.py``.
Imported only by the commands that need them, never by the daily ones.
"""
