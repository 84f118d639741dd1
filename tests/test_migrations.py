import re
from pathlib import Path

import races.migrations

MIGRATIONS = Path(races.migrations.__file__).parent
IMPORTS_APP_CODE = re.compile(r"^\s*(from|import)\s+(races|\.)", re.MULTILINE)


def test_migrations_import_no_app_code():
    # A migration must run the same whatever the app's code becomes later.
    importing = [
        path.name
        for path in sorted(MIGRATIONS.glob("[0-9]*.py"))
        if IMPORTS_APP_CODE.search(path.read_text(encoding="utf-8"))
    ]
    assert importing == []
