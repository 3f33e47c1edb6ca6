"""Journals leaving and entering: the merge of several machines' journals (and, as
they move here, the formats and sync). Imported only by the commands that need it."""
