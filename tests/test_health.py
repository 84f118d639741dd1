import pytest
from django.db import OperationalError
from django.urls import reverse

from almsweb import views

pytestmark = pytest.mark.django_db


class BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server")


def test_healthz_is_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
