"""What a gunicorn worker has loaded before it takes its first request."""

import subprocess
import sys


def test_loading_the_wsgi_app_imports_every_view_module():
    # gunicorn preloads almsweb.wsgi in its master and forks the workers from
    # it, so whatever this import loads, no visitor waits for.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, almsweb.wsgi; "
            "print(' '.join(sorted(m for m in ('weasyprint', 'races.views', "
            "'races.api', 'races.printing') if m in sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == [
        "races.api",
        "races.printing",
        "races.views",
        "weasyprint",
    ]
