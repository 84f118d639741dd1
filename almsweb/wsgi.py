import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "almsweb.settings")

from django.core.wsgi import get_wsgi_application

from .page_memo import PageMemo
from .startup import warm_up

# Repeated requests for cached pages are answered without Django.
application = PageMemo(get_wsgi_application())

# With gunicorn's preload_app, done once in the master: the workers are
# forked with every view imported and every template compiled.
warm_up()
