"""django-simple-history's HistoricalRecords, with a cheaper `Model.history`.

simple_history builds a new manager class each time `history` is read
(`Manager.from_queryset` inspects every method of the queryset class), and
it reads it on every save to write the historical row: about a third of
the time a save of a model with history takes. The class is the same each
time, so it is built once here.
"""

from functools import cached_property

from simple_history import manager, models


class HistoryDescriptor(manager.HistoryDescriptor):
    @cached_property
    def manager_class_with_queryset(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self.manager_class_with_queryset(self.model, instance)


class HistoricalRecords(models.HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        built = sender.__dict__.get(self.manager_name)
        if type(built) is manager.HistoryDescriptor:
            setattr(
                sender,
                self.manager_name,
                HistoryDescriptor(
                    built.model,
                    manager=built.manager_class,
                    queryset=built.queryset_class,
                ),
            )
