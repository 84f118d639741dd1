import os

from django.core.wsgi import get_wsgi_application

from .startup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "almsweb.settings")

application = get_wsgi_application()

# With gunicorn's preload_app, done once in the master: the workers are
# forked with every view imported and every template compiled.
warm_up()
