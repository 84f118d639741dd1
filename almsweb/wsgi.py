import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "almsweb.settings")

application = get_wsgi_application()

# Import every view now (the URLconf pulls in WeasyPrint, the charts, the
# API): with gunicorn's preload_app the workers are forked with them loaded,
# rather than the first visitor of each worker waiting 1.5 s for the imports.
_views = get_resolver().url_patterns
