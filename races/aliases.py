"""How the source files spell things, mapped to the site's names.

The importer (races.importing) reads these for every row of a results file
in the column format of shared/data/alms2004. They hold no editorial text:
race reports, stories and class rules live in fixtures/, edited through the
admin.
"""

# Source spelling -> the name used on the site.
CHASSIS_NAMES = {
    "Lamborghini Murcielago R-GT": "Lamborghini Murciélago R-GT",
    "Dodge Viper": "Dodge Viper GTS-R",
}

TEAM_NAMES = {
    "Champion Racing": "ADT Champion Racing",
    # Tracy Krohn's team: the Mid-Ohio report's spelling is the site's, and
    # its entry notes the other.
    "Krohn-Barbour Racing": "Krohn-Barber Racing",
}

# Tyre column -> Entry.tyre.
TYRES = {"M": "M", "G": "G", "Pirelli": "P"}

# Drivers the sources name by surname only: the whole name is the surname.
SURNAME_ONLY = {
    "Short",
    "Barff",
    "Barbosa",
    "Petersen",
    "Lally",
    "Eversley",
    "Ehret",
    "Matthews",
    "Boss",
    "Plumb",
    "van der Steur",
    "Weickardt",
    "Belloc",
    "Sutherland",
    "De Simone",
}

# Nationalities the files do not carry, for a driver the importer creates,
# by the driver's slug.
NATIONALITIES = {
    # Stated in the Mid-Ohio report.
    "ron-fellows": "Canada",
}

# Source codes the data files use besides those of SOURCES.md's tables.
SOURCE_CODES = {
    "cavac": "cavac-enwiki-2004_Grand_Prix_of_Mosport",
    "cavac-enwiki-mosport": "cavac-enwiki-2004_Grand_Prix_of_Mosport",
    "dewiki-sebring": "dewiki",
    "enwiki-portland": "enwiki-2004_Portland_Grand_Prix",
    "enwiki-road-america": "enwiki-2004_Road_America_500",
    "kiwix-enwiki-sonoma": "kiwix-enwiki-2004_Grand_Prix_of_Sonoma",
    # SOURCES.md lists WikiMili as the Kiwix copy's mirror.
    "wikimili": "kiwix-enwiki-2004_Grand_Prix_of_Sonoma",
    # The list's own name for the seed report; "(seed)" says nothing of a row.
    "zoompics-2004almo(seed)": "zoompics-2004almo",
}
