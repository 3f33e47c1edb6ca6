"""Use cases: what each command does, free of any terminal or SQL detail."""
