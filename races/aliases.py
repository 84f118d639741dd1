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
