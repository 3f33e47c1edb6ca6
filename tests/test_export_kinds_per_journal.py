"""What an export writes follows each journal's own schema, even when journals of
different schemas are exported by one process: a kind's marker layout is not
remembered by the kind's name alone (a v1 journal's partners have no box, a v3
journal's do)."""

from __future__ import annotations

import io
import re

from partnerjournal.services import transfer as tr
from partnerjournal.store import connect


def export_markdown(path) -> str:
    conn = connect(path, migrate=False)  # exported as it is, in its own schema
    try:
        out = io.StringIO()
        tr.export_journal(conn, now="2026-11-23T09:00:00+00:00", fmt="markdown", out=out)
        return out.getvalue()
    finally:
        conn.close()


def partner_markers(text: str) -> list[str]:
    return re.findall(r"<!-- pj:partner .*-->", text)


def test_a_v3_journal_exported_after_a_v1_journal_keeps_its_partner_fields(copy_fixture):
    v1 = export_markdown(copy_fixture("journal-v1.sqlite"))
    assert partner_markers(v1) and not any(" box=" in m for m in partner_markers(v1))
    v3 = export_markdown(copy_fixture("journal-v3.sqlite"))
    markers = partner_markers(v3)
    assert any(" box=managers" in m and " relation=direct" in m for m in markers), markers
    assert any(" archived_at=" in m for m in markers), markers
    # and the other way round: the v1 journal again, after the v3 one
    assert export_markdown(copy_fixture("journal-v1.sqlite")).split("\n", 1)[1] == \
        v1.split("\n", 1)[1]


def test_the_description_of_the_kinds_holds_no_sql():
    """exchange/kinds.py says what a journal holds; store/transfer.py writes the SQL."""
    import re

    from partnerjournal.exchange.kinds import DELETED, KINDS

    name = re.compile(r"[a-z_]+(\.[a-z_]+)?")
    for kind in (*KINDS, DELETED):
        assert kind.order and all(name.fullmatch(term) for term in kind.order), kind.name
        for term in kind.order:
            if "." in term:
                link = term.split(".")[0]
                assert kind.field_names[link].link, (kind.name, term)
        assert name.fullmatch(kind.table)
        for f in kind.fields:
            assert name.fullmatch(f.col), (kind.name, f.name)
