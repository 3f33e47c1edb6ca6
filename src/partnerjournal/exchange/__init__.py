"""Journals leaving and entering, one module per job:

- ``merge``: the merge of several machines' journals (versions, deletes, conflicts);
- ``sync``: the sync file each journal writes in a shared folder;
- ``encryption``: the age format for files that leave the machine.

Imported only by the commands that need them, never by the daily ones.
"""
