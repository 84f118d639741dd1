"""Model objects made quickly from the rows a query reads.

The standings page makes about 570 objects from its rows and a race page
about 290. Django's Model.__init__ took 3 to 7 µs for each (it checks every
field for a default and a keyword, and announces the object to the pre_init
and post_init signals), a tenth of the render. A row needs none of that: its
values go straight into the object, as Model.__init__ would put them, and a
field left unread (`only()`, `defer()`) is left out, as Model.__init__ leaves
it, to be read when asked for. With any pre_init or post_init receiver
connected (to any model), rows are made the usual way.
"""

from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class QuickLoading(models.Model):
    """A model whose objects read from the database skip Model.__init__."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        if pre_init.receivers or post_init.receivers:
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        new = cls.__new__(cls)
        # Each field read, by attname, as Model.__init__ sets them: the only
        # attribute setter among them (a foreign key's id) only forgets a
        # related object cached before, and a new object has none.
        new.__dict__.update(zip(field_names, values, strict=True))
        state = new._state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        return new
