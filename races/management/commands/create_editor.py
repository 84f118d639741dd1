"""Create a staff account in the Editors group.

The password is read from DJANGO_EDITOR_PASSWORD when set (for scripts),
otherwise asked for twice at the prompt.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from races.permissions import EDITORS_GROUP

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = "Create an editor account (staff, in the Editors group)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = os.environ.get(PASSWORD_VARIABLE) or self.ask_password()
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError("Run 'manage.py migrate' first.") from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Editor {username!r} created."))

    def ask_password(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password cannot be empty.")
        return password
