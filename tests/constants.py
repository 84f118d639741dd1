"""Names of the committed 2004 season that several tests point at, defined once."""

from pathlib import Path

from django.urls import reverse

SEASON_YEAR = 2004
MID_OHIO_ROUND = 2
MID_OHIO = {"year": SEASON_YEAR, "slug": "mid-ohio"}
MID_OHIO_URL = reverse("races:race-detail", kwargs=MID_OHIO)

# The importer's CSV of the complete Mid-Ohio classification.
MID_OHIO_CSV = Path(__file__).parent / "data" / "02-mid-ohio.csv"
