"""An import can't break the site: names are checked, the preview is read-only,
hostile files are refused and a confirm is only trusted as previewed."""

import importlib
import io
import re
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from almsweb.cache import data_version
from races.importing import ENTRY_CHECKS, ClassificationImport
from races.models import CarModel, Driver, Entry, Manufacturer, Race, Team
from races.uploads import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    RowError,
    pending_import_key,
    read_table,
)

from .factories import (
    make_car_model,
    make_circuit,
    make_driver,
    make_editor,
    make_entry,
    make_points_scale,
    make_race,
    make_team,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "round,pos,class,class_pos,car_no,team,drivers,chassis,engine,tyre,laps,gap,"
    "status,grid,fastest_lap,src,xref\n"
)
WINNER = (
    "{round},1,LMP1,1,38,Team,JJ Lehto / Marco Werner,Audi R8,,,124,,finished,,,,\n"
)
NAMELESS = "{round},2,LMP1,2,20,***,!!! ??? / Lucas Luhr,/,,,120,,finished,,,,\n"
# Sheet rows that hold nothing but whitespace compress about a thousandfold.
ZIP_BOMB_PADDING = 40_000_000
# Statements that write, or open a transaction (which on SQLite, in IMMEDIATE
# mode, takes the write lock).
WRITING_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|BEGIN|SAVEPOINT)\b", re.I)


def csv_text(race, *lines) -> str:
    return HEADER + "".join(line.format(round=race.round_number) for line in lines)


def rows(race, *lines):
    return read_table("results.csv", csv_text(race, *lines).encode())


def import_url(race):
    return reverse("admin:races_race_import", args=[race.pk])


def upload(content: bytes | str, name: str = "results.csv"):
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content)


def writing_statements(queries) -> list[str]:
    return [query["sql"] for query in queries if WRITING_SQL.match(query["sql"])]


def name_counts():
    return [model.objects.count() for model in (Team, Driver, CarModel, Manufacturer)]


def classification(race):
    return list(race.entries.order_by("pk").values_list("slug", "position", "laps"))


def preview(client, race, text: str):
    response = client.post(import_url(race), {"file": upload(text)})
    assertContains(response, 'name="_confirm"')
    return response


def confirm(client, race, token: str):
    return client.post(import_url(race), {"_confirm": "1", "token": token})


def workbook(race, *lines) -> bytes:
    book = openpyxl.Workbook()
    for line in csv_text(race, *lines).splitlines():
        book.active.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(xlsx: bytes, sheet_xml: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(info.filename, data, compresslevel=9)
    return buffer.getvalue()


def zip_bomb(race) -> bytes:
    xlsx = workbook(race, WINNER)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"</sheetData>", b" " * ZIP_BOMB_PADDING + b"</sheetData>")
    return with_sheet(xlsx, padded)


def entity_bomb(race, encoding: str = "utf-8") -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f"<!DOCTYPE worksheet [{entities}]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    return with_sheet(workbook(race, WINNER), sheet.encode(encoding))


# Generated names


def test_import_refuses_names_without_letters_or_digits_naming_the_line():
    race = make_race()
    before = name_counts()
    report = ClassificationImport(race, rows(race, WINNER, NAMELESS)).run()
    assert not report.is_written
    assert "line 3: team '***' has no letters or digits" in report.messages
    assert "line 3: driver '!!! ???' has no letters or digits" in report.messages
    assert "line 3: chassis '/' has no letters or digits" in report.messages
    assert name_counts() == before
    assert not race.entries.exists()


def test_admin_import_preview_refuses_the_nameless_row(editor_client):
    race = make_race()
    response = editor_client.post(
        import_url(race), {"file": upload(csv_text(race, WINNER, NAMELESS))}
    )
    assertContains(response, "line 3: team &#x27;***&#x27; has no letters or digits")
    assertNotContains(response, 'name="_confirm"')


def test_import_gives_a_name_without_ascii_letters_a_readable_slug():
    race = make_race()
    row = WINNER.replace(",Team,", ",東京レーシング,")
    report = ClassificationImport(race, rows(race, row)).run()
    assert report.is_written
    team = race.entries.get().team
    assert team.name == "東京レーシング"
    assert team.slug.startswith("team")


def test_import_refuses_a_name_longer_than_its_field_without_writing():
    race = make_race()
    before = name_counts()
    row = WINNER.replace(",Team,", f",{'T' * 101},")
    report = ClassificationImport(race, rows(race, row)).run()
    assert not report.is_written
    assert any(message.startswith("line 2: team 'TTT") for message in report.messages)
    assert name_counts() == before


def test_import_refuses_a_control_character_naming_the_column():
    race = make_race()
    report = ClassificationImport(
        race, rows(race, WINNER.replace(",Team,", ",Te\x00am,"))
    ).run()
    assert report.messages == ["line 2: team holds a control character"]
    assert not race.entries.exists()


def test_team_saved_without_a_slug_gets_one_from_its_name():
    assert Team.objects.create(name="Lola Racing").slug == "lola-racing"
    assert Team.objects.create(name="***").slug == "team"


def test_driver_without_ascii_letters_gets_a_readable_unique_slug():
    first = Driver.objects.create(last_name="李")
    second = Driver.objects.create(last_name="王")
    assert first.slug == "driver"
    assert second.slug == "driver-2"


SLUGGED_ROWS = {
    "circuit": make_circuit,
    "manufacturer": lambda: make_car_model().manufacturer,
    "car model": make_car_model,
    "team": make_team,
    "driver": make_driver,
    "race": make_race,
    "entry": lambda: make_entry(make_race()),
    "points scale": make_points_scale,
}


@pytest.mark.parametrize("make", SLUGGED_ROWS.values(), ids=SLUGGED_ROWS.keys())
def test_database_refuses_an_empty_slug(make):
    row = make()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(slug="")


@contextmanager
def empty_slugs_allowed(*models):
    """Lift the slug checks, as on a database from before the constraint."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:  # rolled back with the test
            for model in models:
                table = model._meta.db_table
                name = f"{model._meta.model_name}_slug_not_empty"
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            yield


def repair_slugs(*args):
    migration = importlib.import_module("races.migrations.0011_slugs_not_empty")
    return migration.repair_slugs(*args)


def test_slug_repair_gives_an_empty_slug_one_made_from_the_name():
    team = Team.objects.create(name="Nameless Racing", slug="nameless-racing")
    make = Manufacturer.objects.create(name="***", slug="junk")
    with empty_slugs_allowed(Team, Manufacturer):
        Team.objects.filter(pk=team.pk).update(slug="")
        Manufacturer.objects.filter(pk=make.pk).update(slug="")
        repair_slugs(apps, None)
    team.refresh_from_db()
    make.refresh_from_db()
    assert team.slug == "nameless-racing"
    assert make.slug == "make"


# The preview is read-only


def test_import_preview_writes_nothing_and_keeps_the_data_version(editor_client):
    race = make_race()
    make_entry(race, car_number="7", position=1)
    before = classification(race), name_counts(), data_version()
    text = csv_text(race, WINNER.replace(",Team,", ",Brand New Team,"))
    with CaptureQueriesContext(connection) as queries:
        preview(editor_client, race, text)
    assert writing_statements(queries) == []
    assert (classification(race), name_counts(), data_version()) == before


def test_import_command_dry_run_writes_nothing(tmp_path):
    race = make_race()
    path = tmp_path / "results.csv"
    path.write_text(csv_text(race, WINNER.replace(",Team,", ",Brand New Team,")))
    before = data_version()
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "import_results",
            path,
            season=race.season.year,
            round_number=race.round_number,
            dry_run=True,
            stdout=io.StringIO(),
        )
    assert writing_statements(queries) == []
    assert data_version() == before


def test_import_preview_still_finds_what_the_database_would_refuse():
    race = make_race(completeness=Race.Completeness.PARTIAL)
    long_number = WINNER.replace(",38,", ",12345,")
    position_zero = WINNER.replace(",1,LMP1,1,38,", ",0,LMP1,1,7,")
    report = ClassificationImport(race, rows(race, long_number, position_zero)).run(
        dry_run=True
    )
    assert (
        "line 2: car_number: Ensure this value has at most 4 characters (it has 5)."
        in report.messages
    )
    assert "line 3: Positions start at 1." in report.messages


def test_import_preview_tests_every_check_constraint_of_an_entry():
    checked = {
        constraint.name
        for constraint in Entry._meta.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert checked == set(ENTRY_CHECKS)


def test_import_refuses_a_file_over_the_size_limit(editor_client):
    race = make_race()
    text = csv_text(race, WINNER)
    big = text + "#" * (IMPORT_MAX_BYTES + 1 - len(text))
    response = editor_client.post(import_url(race), {"file": upload(big)})
    assertContains(response, "the limit is 1 MB")
    assertNotContains(response, 'name="_confirm"')


def test_import_refuses_more_rows_than_the_limit(editor_client):
    race = make_race()
    text = csv_text(race, *[WINNER] * (IMPORT_MAX_ROWS + 1))
    response = editor_client.post(import_url(race), {"file": upload(text)})
    assertContains(response, f"more than {IMPORT_MAX_ROWS} rows")
    assertNotContains(response, 'name="_confirm"')


def test_read_table_stops_reading_at_the_row_limit():
    race = make_race()
    # Past the limit the file is not even valid UTF-8 CSV: it is never read.
    lines = [WINNER] * (IMPORT_MAX_ROWS + 1) + ['"unterminated\n'] * 1000
    with pytest.raises(RowError, match=f"more than {IMPORT_MAX_ROWS} rows"):
        read_table("results.csv", csv_text(race, *lines).encode())


def test_import_refuses_an_xlsx_zip_bomb(editor_client):
    race = make_race()
    bomb = zip_bomb(race)
    assert len(bomb) < 100_000
    response = editor_client.post(
        import_url(race), {"file": upload(bomb, "results.xlsx")}
    )
    assertContains(response, "results.xlsx is not a workbook we can read safely")
    assertContains(response, 'name="file"')


def test_import_refuses_an_xlsx_entity_bomb(editor_client):
    race = make_race()
    response = editor_client.post(
        import_url(race), {"file": upload(entity_bomb(race), "results.xlsx")}
    )
    assertContains(response, "results.xlsx is not a workbook we can read safely")
    assertContains(response, 'name="file"')


def test_read_table_refuses_an_entity_bomb_that_hides_from_a_byte_search():
    # In UTF-16 no "<!DOCTYPE" bytes appear: defusedxml, under openpyxl,
    # refuses it.
    race = make_race()
    with pytest.raises(RowError, match="not a workbook we can read safely"):
        read_table("results.xlsx", entity_bomb(race, encoding="utf-16"))


def test_openpyxl_parses_workbooks_through_defusedxml():
    assert openpyxl.DEFUSEDXML


def test_read_table_still_reads_a_plain_workbook():
    race = make_race()
    (row,) = read_table("results.xlsx", workbook(race, WINNER))
    assert row["car_no"] == "38" and row["team"] == "Team"


# The confirm is trusted only as previewed

EXPIRED = "This preview has expired or was changed; upload the file again."


def test_import_confirm_with_an_invalid_token_shows_the_form_again(editor_client):
    race = make_race()
    response = editor_client.post(
        import_url(race),
        {"_confirm": "1", "token": "not a token", "content": "!!!not base64"},
    )
    assertContains(response, EXPIRED)
    assertContains(response, 'name="file"')
    assert not race.entries.exists()


def test_import_confirm_with_a_tampered_token_is_refused(editor_client):
    race = make_race()
    token = preview(editor_client, race, csv_text(race, WINNER)).context["token"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assertContains(confirm(editor_client, race, tampered), EXPIRED)
    assert not race.entries.exists()


def test_import_confirm_after_the_preview_expired_is_refused(editor_client):
    race = make_race()
    token = preview(editor_client, race, csv_text(race, WINNER)).context["token"]
    cache.delete(pending_import_key(token))  # as when its time runs out
    assertContains(confirm(editor_client, race, token), EXPIRED)
    assert not race.entries.exists()


def test_import_confirm_of_another_editors_preview_is_refused(editor_client, client):
    race = make_race()
    token = preview(editor_client, race, csv_text(race, WINNER)).context["token"]
    client.force_login(make_editor("other-editor"))
    assertContains(confirm(client, race, token), EXPIRED)
    assert not race.entries.exists()


def test_import_confirm_for_another_race_is_refused(editor_client):
    race = make_race()
    other = make_race()
    token = preview(editor_client, race, csv_text(race, WINNER)).context["token"]
    assertContains(confirm(editor_client, other, token), EXPIRED)
    assert not other.entries.exists()


def test_import_confirm_is_used_once(editor_client):
    race = make_race()
    token = preview(editor_client, race, csv_text(race, WINNER)).context["token"]
    assert confirm(editor_client, race, token).status_code == 302
    assertContains(confirm(editor_client, race, token), EXPIRED)


def test_import_of_a_file_just_under_the_size_limit_confirms(editor_client):
    race = make_race()
    cars = [
        f"{{round}},{n},LMP1,{n},{n},Team,Test Driver{n},Audi R8,,,{200 - n},,"
        "finished,,,,PADDING\n"
        for n in range(1, 10)
    ]
    padding = (IMPORT_MAX_BYTES - len(csv_text(race, *cars).encode())) // len(cars)
    text = csv_text(race, *cars).replace("PADDING", "x" * (padding - 10))
    assert IMPORT_MAX_BYTES - 200 < len(text.encode()) <= IMPORT_MAX_BYTES
    token = preview(editor_client, race, text).context["token"]
    response = confirm(editor_client, race, token)
    assert response.status_code == 302
    assert race.entries.count() == 9


def test_import_confirm_after_another_edit_is_refused_with_a_new_preview(
    editor_client,
):
    race = make_race()
    entry = make_entry(race, car_number="7", position=1, laps=90)
    token = preview(editor_client, race, csv_text(race, WINNER)).context["token"]
    entry.laps = 91  # another editor saves the race meanwhile
    entry.save()
    response = confirm(editor_client, race, token)
    assertContains(response, "changed this race")
    assertContains(response, 'name="_confirm"')
    assert response.context["token"] != token
    assert classification(race) == [("7", 1, 91)]
    assert Entry.objects.filter(pk=entry.pk).exists()
