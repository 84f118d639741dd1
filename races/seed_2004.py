"""Editorial content for the 2004 season, written in the project's own words.

`import_season` combines these with the shared CSV files to build the
database from which `fixtures/` is exported. Facts come from
shared/seed/alms-2004-mid-ohio.txt and shared/data/alms2004/; no sentence is
copied from them. After the first export the fixtures, edited through the
admin, are the source of truth.
"""

SEASON_SOURCE_NOTE = (
    "Compiled from a fan report of the Mid-Ohio round (zoompics.com), the "
    "Wikipedia season and race pages, and period press reports. Only the "
    "Mid-Ohio classification is complete; the other rounds list the cars the "
    "sources name."
)

# The championship's points rules (shared/data/alms2004/points.md).
MINIMUM_DISTANCE_SHARE = "0.70"
IS_TEAM_BEST_CAR_ONLY = True
POINTS_SCALES = [
    # slug, name, points for class positions 1 to 10
    ("standard", "Standard race", "20, 16, 13, 10, 8, 6, 4, 3, 2, 1"),
    ("four-hour", "Four-hour finale", "23, 19, 16, 13, 11, 9, 7, 6, 5, 4"),
    ("endurance", "Endurance race", "26, 22, 19, 16, 14, 12, 10, 9, 8, 7"),
]

CLASSES = [
    # code, name, display order, colour (AA contrast with white text)
    ("LMP1", "Le Mans Prototype 1", 1, "#b3122e"),
    ("LMP2", "Le Mans Prototype 2", 2, "#1d5fa8"),
    ("GTS", "Grand Touring Sport", 3, "#1b7a3a"),
    ("GT", "Grand Touring", 4, "#8a4b00"),
]

REGULATIONS = {
    "LMP1": {
        "summary": (
            "The quickest cars in the field: open or closed prototypes built "
            "only for racing, eligible for the overall win."
        ),
        "engine_rules": (
            "Normally aspirated engines up to 6.0 litres, or turbocharged "
            "engines up to 4.0 litres."
        ),
        "power_min_hp": 750,
        "power_max_hp": 800,
        "min_weight_kg": 900,
        "top_speed_min_mph": 200,
        "top_speed_max_mph": None,
        "notable_rules": "",
        "background": "",
        "constructors": "Riley & Scott, Lola, Dallara, Audi, Panoz",
        "example_cars": [],
    },
    "LMP2": {
        "summary": (
            "The lighter prototype class. Its rules are set so that a car "
            "from either prototype class can fight for the overall win."
        ),
        "engine_rules": "",
        "power_min_hp": None,
        "power_max_hp": None,
        "min_weight_kg": 700,
        "top_speed_min_mph": None,
        "top_speed_max_mph": None,
        "notable_rules": "",
        "background": (
            "Created in 2001 as LMP675. For 2004 the minimum weight went up "
            "from 675 kg to 700 kg and the class took the name LMP2. (The "
            "source article gives the new limit as 1,653 lb, which does not "
            "match 700 kg; we show the kilogram figure and convert it.)"
        ),
        "constructors": "",
        "example_cars": [],
    },
    "GTS": {
        "summary": (
            "The faster of the two production-based classes, nearly as quick "
            "as the prototypes in a straight line."
        ),
        "engine_rules": (
            "Normally aspirated engines up to 8.0 litres, or turbocharged "
            "engines up to 4.0 litres."
        ),
        "power_min_hp": 550,
        "power_max_hp": 600,
        "min_weight_kg": None,
        "top_speed_min_mph": 180,
        "top_speed_max_mph": 195,
        "notable_rules": "",
        "background": "",
        "constructors": "",
        "example_cars": [
            ("Dodge", "Viper GTS-R"),
            ("Chevrolet", "Corvette C5-R"),
            ("Saleen", "S7-R"),
            ("Ferrari", "550 Maranello"),
        ],
    },
    "GT": {
        "summary": "Production-based sports cars, the most numerous class.",
        "engine_rules": "",
        "power_min_hp": None,
        "power_max_hp": None,
        "min_weight_kg": 1100,
        "top_speed_min_mph": None,
        "top_speed_max_mph": None,
        "notable_rules": "Carbon-fibre brakes are not allowed (GTS cars may use them).",
        "background": "",
        "constructors": "",
        "example_cars": [
            ("BMW", "M3"),
            ("Porsche", "911 GT3-RSR"),
            ("Ferrari", "360 Modena GTC"),
        ],
    },
}

# Source spelling -> the name used on the site.
CHASSIS_NAMES = {
    "Lamborghini Murcielago R-GT": "Lamborghini Murciélago R-GT",
    "Dodge Viper": "Dodge Viper GTS-R",
}

TEAM_NAMES = {
    "Champion Racing": "ADT Champion Racing",
}

TYRES = {"M": "M", "G": "G", "Pirelli": "P"}

# Drivers the sources name by surname only.
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

NATIONALITIES = {
    # Stated in the Mid-Ohio report.
    "ron-fellows": "Canada",
}

CIRCUIT_NOTES = {
    "sebring-international-raceway": (
        "Length and turns from a 2001 article; a 1997 article gives 3.6 miles."
    ),
    "portland-international-raceway": "Only one source for the length was found.",
    "infineon-raceway": "Only one source for the length was found.",
}

# Facts beyond the CSV columns, per round.
ROUNDS = {
    1: {
        "slug": "sebring",
        "short_name": "Sebring",
        "points_scale": "endurance",
        "duration_hours": 12,
        "reported_starters": None,
        "source_note": (
            "Partial: the overall top five, three cars further down the order, "
            "the GT class winner and one retirement. Laps of two cars were "
            "derived from the gaps the sources state. The Corvettes' grid "
            "slots are left empty because two sources disagree."
        ),
        "summary": (
            "Audi R8s swept the top three places at the season opener. The "
            "Veloqx car of McNish, Biela and Kaffer won by five laps from the "
            "Champion Racing car that Lehto had put on pole, with the second "
            "Veloqx Audi third. The #3 Corvette won GTS, fourth overall."
        ),
    },
    2: {
        "slug": "mid-ohio",
        "short_name": "Mid-Ohio",
        "points_scale": "standard",
        "duration_minutes": 165,
        "reported_starters": None,
        "source_note": (
            "Complete: all 27 cars of the fan report's table, 25 starters and "
            "2 non-starters. Car numbers and teams come from the report's text "
            "and from other rounds where the same crew raced the same car; "
            "they are left empty where no source confirms them for this round. "
            "A preview spoke of 28 entries. Intersport's LMP1 Lola is listed "
            "as running at the end with 80 laps, fewer than 70% of the "
            "winner's 124."
        ),
        "summary": (
            "The series came back from Le Mans to the 2.25-mile Mid-Ohio "
            "course for the first of five races in seven weekends.\n\n"
            "The pole-sitting Dyson Lola of Weaver and Leitzinger never "
            "completed a lap: its oil pressure failed on the pace lap. That "
            "handed the lead to Marco Werner in the Champion Audi, and although "
            "Andy Wallace took the lead in the second Dyson car for a spell, "
            "Werner and JJ Lehto won by a lap.\n\n"
            "Corvette Racing finished one-two in GTS, the #3 car of Fellows and "
            "O'Connell ahead after the #4 lost time to a badly timed pit stop. "
            "Intersport's Clint Field and Robin Liddell won LMP2 once the "
            "class pole-sitter retired on the opening lap, and the Flying "
            "Lizard Porsche of Johannes van Overbeek and Darren Law won GT "
            "after beating Alex Job Racing out of the pits."
        ),
    },
    3: {
        "slug": "lime-rock",
        "short_name": "Lime Rock",
        "points_scale": "standard",
        "reported_starters": 27,
        "source_note": (
            "Partial: only the winner and one first-lap retirement are known. "
            "A report counts 27 starters. Laps, race length and the circuit's "
            "length are not known."
        ),
        "summary": (
            "Lehto and Werner won again in the Champion Audi. BAM!'s Porsche "
            "went out in a first-lap accident."
        ),
    },
    4: {
        "slug": "sonoma",
        "short_name": "Sonoma",
        "points_scale": "standard",
        "duration_minutes": 165,
        "reported_starters": None,
        "source_note": (
            "Partial: the first three cars and one non-starter. Tyre makes come "
            "from the race's Wikipedia table."
        ),
        "summary": (
            "Werner and Lehto took a third win in a row, about a minute ahead "
            "of the Dyson Lola of Chris Dyson and Andy Wallace. A third "
            "Corvette, for Dale Earnhardt Jr. and Boris Said, burned after a "
            "warm-up accident and did not start."
        ),
    },
    5: {
        "slug": "portland",
        "short_name": "Portland",
        "points_scale": "standard",
        "duration_minutes": 165,
        "reported_starters": None,
        "source_note": (
            "Partial: the first twelve cars. Grid slots are known for the "
            "front row and third place only."
        ),
        "summary": (
            "The Champion Audi won on the lead lap from the #16 Dyson Lola, "
            "barely more than a minute apart. The Corvettes were one-two in "
            "GTS, Intersport won LMP2 and Alex Job Racing's #24 Porsche won GT."
        ),
    },
    6: {
        "slug": "mosport",
        "short_name": "Mosport",
        "points_scale": "standard",
        "duration_minutes": 165,
        "reported_starters": None,
        "source_note": (
            "Partial: the first three cars overall and the GTS, LMP2 and GT "
            "winners, whose overall places were not found. Most car numbers "
            "are not stated for this round."
        ),
        "summary": (
            "Leitzinger and Weaver gave Dyson Racing its win of the season, "
            "16 seconds ahead of the Champion Audi. The #4 Corvette edged the "
            "#3 in GTS."
        ),
    },
    7: {
        "slug": "road-america",
        "short_name": "Road America",
        "points_scale": "standard",
        "reported_starters": None,
        "source_note": (
            "Partial: the first thirteen cars. The co-driver of the BAM! "
            "Porsche is cut off in the source. Race length not found."
        ),
        "summary": (
            "Werner and Lehto won by a lap from Intersport's LMP1 Lola. The #4 "
            "Corvette led the #3 home in GTS and Miracle Motorsports' Courage "
            "won LMP2."
        ),
    },
    8: {
        "slug": "petit-le-mans",
        "short_name": "Petit Le Mans",
        "points_scale": "endurance",
        "duration_hours": 10,
        "distance_mi": 1000,
        "reported_starters": None,
        "source_note": (
            "Partial: the first two cars, the LMP2 winner, the GTS runner-up, "
            "one car not classified, one retirement and the pole-sitter, whose "
            "finishing place was not found. Laps are not known."
        ),
        "summary": (
            "Lehto and Werner won Petit Le Mans ahead of the sister Champion "
            "Audi of Herbert and Kaffer. Intersport won LMP2. The pole-sitting "
            "Dyson Lola lost time with gearbox trouble."
        ),
    },
    9: {
        "slug": "laguna-seca",
        "short_name": "Laguna Seca",
        "points_scale": "four-hour",
        "duration_hours": 4,
        "reported_starters": None,
        "source_note": (
            "Partial: the first eleven cars and one retirement. Laps below the "
            "winner are derived from the gaps the report states."
        ),
        "summary": (
            "Johnny Herbert and Pierre Kaffer won the four-hour finale in the "
            "#2 Champion Audi, 57 seconds ahead of Lehto and Werner. The "
            "Creation DBA that started from pole retired with a water pump "
            "failure."
        ),
    },
}

# Mid-Ohio driver stories, keyed by the entry's slug in that race.
MID_OHIO_STORIES = {
    "38": (
        "Werner and Lehto win by a lap",
        "Marco Werner set the early pace in qualifying and looked set for pole "
        "until James Weaver beat him late in the session. When the Dyson car "
        "stopped on the pace lap, Werner took the lead at the start. The "
        "second Dyson Lola pushed the Audi hard in the first hour, but Werner "
        "and JJ Lehto came home a lap clear.",
    ),
    "20": (
        "Wallace leads, Dyson spins",
        "Andy Wallace qualified within a whisker of the front row and started "
        "third. He passed the Champion Audi on lap 17 and stayed in front "
        "until the first pit stops. Chris Dyson then took over and chased "
        "JJ Lehto, but a spin while pushing to keep up settled the car in "
        "second place.",
    ),
    "3": (
        "Pit timing hands the #3 Corvette the GTS win",
        "Johnny O'Connell qualified half a second slower than the sister car "
        "and lined up second in GTS. The #4 Corvette led the class until its "
        "crew called a pit stop just before a caution; O'Connell and Ron "
        "Fellows inherited the lead and kept it to the flag.",
    ),
    "4": (
        "Class pole, then the wrong moment to stop",
        "Oliver Gavin took the GTS pole early in qualifying, fifth overall, "
        "and ran the class away from the start with Olivier Beretta. A stop "
        "made just before a full-course caution cost them the lead and the "
        "win to the #3 car. At Le Mans the pair, joined by Jan Magnussen, "
        "had won GTS.",
    ),
    "field-liddell": (
        "An easy LMP2 win for the Le Mans winners",
        "Intersport's Lola had won its class at Le Mans in the hands of "
        "William Binnie, Clint Field and Rick Sutherland. Here Clint Field "
        "and Robin Liddell qualified second in LMP2. "
        "When the class pole-sitter stopped on the opening lap, nothing else "
        "in the class could match them.",
    ),
    "63": (
        "A broken toe link and a late pass",
        "Terry Borcheller qualified the Saleen third in GTS, about half a "
        "second off the second Corvette, and ran with the Corvettes until a "
        "toe link broke; the crew fixed it at the stop. Johnny Mowlem lost a "
        "place after contact with Olivier Beretta but passed the Lamborghini "
        "before the end to finish third in class.",
    ),
    "kox-brabham": (
        "A debut in the points for Lamborghini",
        "Krohn-Barber Racing brought two new Lamborghini Murciélagos to "
        "Mid-Ohio for their first race. Peter Kox and David Brabham ran as "
        "high as third in GTS and took the flag fourth in class.",
    ),
    "krohn-maxwell": (
        "Withdrawn before the race",
        "The second Murciélago, for Tracy Krohn and Scott Maxwell, hit a "
        "Porsche on Friday and was withdrawn.",
    ),
    "45": (
        "Flying Lizards win GT in the pits",
        "Johannes van Overbeek and Darren Law were quickest in practice. Law "
        "qualified fourth in GT after oil dropped by the new Panoz spoiled his "
        "best laps. He started the race, caught class leader Timo Bernhard, "
        "and at the driver change van Overbeek rejoined ahead and stayed there.",
    ),
    "23": (
        "GT pole, then second after the stops",
        "Timo Bernhard needed only two laps to take the GT pole and led the "
        "class until the first stops. The Flying Lizards' faster service put "
        "Jörg Bergmeister second, and although he chased van Overbeek to the "
        "end he could not find a way by. An extra stop did not cost them "
        "second place.",
    ),
    "16": (
        "Pole position, then out before the start",
        "James Weaver waited until the second half of qualifying to take pole "
        "in the Dyson Lola. The expected fight with the Champion Audi never "
        "came: on the pace lap Butch Leitzinger stopped with no oil pressure, "
        "later traced to a failed oil pump.",
    ),
    "field-dayton": (
        "A weekend of problems for Intersport's LMP1 car",
        "Duncan Dayton spun into the tyres on Friday and damaged the rear "
        "wing, and the differential broke on Jon Field's first qualifying "
        "lap. Gearbox trouble followed in the race. The car was still running "
        "at the end, twentieth overall and third in LMP1, but with 80 laps it "
        "covered less than 70% of the winner's distance.",
    ),
    "mcmurry-willman-bucknum": (
        "Fastest in LMP2, out on lap one",
        "Team Bucknum had swapped its 3.0-litre engine for a 3.4-litre IES "
        "unit since Sebring, and Jeff Bucknum used it to qualify fourth "
        "overall, more than two seconds clear in LMP2. The engine failed on "
        "the first lap.",
    ),
    "31": (
        "Le Mans winners, regular crew",
        "This Porsche had won GT at Le Mans with Bergmeister, Long and "
        "Maassen. Its regular drivers David Murry and Craig Stanton were back "
        "for Mid-Ohio. From fifth in class on the grid they climbed to third, "
        "but being caught behind the pace car left them well behind the two "
        "leaders.",
    ),
    "jeannette-saelens": (
        "A difficult debut for the Panoz Esperante",
        "The new Esperante GT-LM, with a 5.0-litre Elan V8 and Pirelli tyres, "
        "made its first start in GT with Gunnar Jeannette and David Saelens. "
        "Saelens was second fastest in qualifying before the engine failed, "
        "and problems in the race put the car out after 69 laps. (The report's "
        "text places it twelfth in GT; by the order of its table it is "
        "eleventh.)",
    ),
}

# Reader-facing caveats on single rows: (round, entry slug) -> note.
ENTRY_NOTES = {
    (1, "38"): "The Sebring sources name the team Champion Racing.",
    (1, "22"): "Identified through its qualifying position; first names not found.",
    (2, "field-dayton"): (
        "Listed as running at the finish, but 80 laps is less than 70% of the "
        "winner's distance."
    ),
    (2, "16"): (
        "One report says the car retired after a lap with an engine failure; "
        "we follow the fan report (oil pressure on the pace lap)."
    ),
    (2, "kox-brabham"): "Also spelled Krohn-Barbour Racing in another report.",
    (7, "43"): "The co-driver's name is cut off in the source.",
    (8, "weaver-leitzinger-wallace"): "Started from pole; finishing place not found.",
}
