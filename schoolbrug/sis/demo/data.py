"""Fixed Dutch reference material for the demo data: streets, towns, subjects and texts.

Kept apart from the generators so a reviewer can read the "flavour" of the demo in one place.
"""

from __future__ import annotations

# Streets of Deventer with the four digits of their postcode area. The letters are derived
# per house number (see people.AddressMaker), so addresses look real without being real.
DEVENTER_STREETS: tuple[tuple[str, int], ...] = (
    ("Brink", 7411),
    ("Polstraat", 7411),
    ("Walstraat", 7411),
    ("Bergstraat", 7411),
    ("Assenstraat", 7411),
    ("Lange Bisschopstraat", 7411),
    ("Roggestraat", 7411),
    ("Zwolseweg", 7412),
    ("Verzetslaan", 7412),
    ("Van Oldenielstraat", 7412),
    ("Noorderbergweg", 7413),
    ("Brinkgreverweg", 7413),
    ("Diepenveenseweg", 7413),
    ("Burgemeester van Suchtelenstraat", 7413),
    ("Karel de Grotestraat", 7413),
    ("Vijverberg", 7414),
    ("Johan de Wittlaan", 7414),
    ("Rembrandtkade", 7415),
    ("Frans Halsstraat", 7415),
    ("Jan Steenstraat", 7415),
    ("Van Ostadestraat", 7415),
    ("Laan van Borgele", 7415),
    ("Rielerweg", 7416),
    ("Marsweg", 7416),
    ("Kazernelaan", 7416),
    ("Amstellaan", 7417),
    ("Vechtstraat", 7417),
    ("Dinkelstraat", 7417),
    ("Snipperlingsdijk", 7417),
    ("Lekstraat", 7417),
    ("Berkelstraat", 7417),
    ("Hoge Hondstraat", 7418),
    ("Zutphenseweg", 7418),
    ("Lijsterlaan", 7421),
    ("Merelstraat", 7421),
    ("Spechtstraat", 7421),
    ("Holterweg", 7429),
    ("Colmschaterstraatweg", 7429),
    ("Oerdijk", 7433),
    ("Schalkhaarderweg", 7433),
)

# Towns for the benchmark schools: name, area code and the range of postcode digits.
BENCH_TOWNS: tuple[tuple[str, str, int, int], ...] = (
    ("Zwolle", "038", 8011, 8043),
    ("Apeldoorn", "055", 7311, 7339),
    ("Zutphen", "0575", 7201, 7207),
    ("Enschede", "053", 7511, 7548),
    ("Hengelo", "074", 7550, 7559),
    ("Almelo", "0546", 7601, 7609),
    ("Raalte", "0572", 8101, 8103),
    ("Holten", "0548", 7451, 7451),
    ("Rijssen", "0548", 7461, 7463),
    ("Olst", "0570", 8121, 8121),
)

BENCH_STREET_PARTS: tuple[str, ...] = (
    "Kerk",
    "School",
    "Molen",
    "Linden",
    "Beuken",
    "Eiken",
    "Esdoorn",
    "Wilgen",
    "Berken",
    "Kastanje",
    "Vogel",
    "Merel",
    "Lijster",
    "Zwaluw",
    "Reiger",
    "Kievit",
    "Hazel",
    "Essen",
    "Dorps",
    "Veld",
    "Weide",
    "Brug",
    "Haven",
    "Markt",
    "Tuin",
    "Bloemen",
    "Rozen",
    "Tulpen",
    "Zon",
    "Maan",
)
BENCH_STREET_KINDS: tuple[str, ...] = ("straat", "laan", "weg", "plein", "hof", "singel", "kamp", "dijk")

# Letters used in postcodes; S is left out as a first letter so SA, SD and SS never occur.
POSTCODE_FIRST_LETTERS = "ABCDEGHJKLMNPRTVWXZ"
POSTCODE_SECOND_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"

# Formal first names with the name a child is actually called by.
CALLED_NAMES: tuple[tuple[str, str, str], ...] = (
    ("m", "Johannes", "Jan"),
    ("m", "Willem", "Wim"),
    ("m", "Alexander", "Sander"),
    ("m", "Jacobus", "Koos"),
    ("m", "Maximiliaan", "Max"),
    ("m", "Sebastiaan", "Bas"),
    ("f", "Elisabeth", "Lisa"),
    ("f", "Johanna", "Anna"),
    ("f", "Catharina", "Karin"),
    ("f", "Wilhelmina", "Mien"),
    ("f", "Alexandra", "Sanne"),
)

BIRTH_COUNTRIES: tuple[tuple[str, int], ...] = (
    ("Nederland", 80),
    ("Turkije", 4),
    ("Marokko", 3),
    ("Syrië", 3),
    ("Polen", 2),
    ("Duitsland", 2),
    ("Suriname", 2),
    ("Eritrea", 1),
    ("België", 1),
    ("Verenigd Koninkrijk", 1),
    ("Indonesië", 1),
)

# (value of Guardian.EducationLevel, weight); "" is "unknown".
EDUCATION_LEVELS: tuple[tuple[str, int], ...] = (
    ("", 15),
    ("primary", 5),
    ("secondary_low", 20),
    ("secondary", 30),
    ("higher", 30),
)

GP_PRACTICES: tuple[str, ...] = (
    "Huisartsenpraktijk De Worp",
    "Huisartsen Keizerslanden",
    "Gezondheidscentrum Colmschate",
    "Huisartspraktijk Rivierenwijk",
    "Huisartsen aan de Brink",
    "Medisch Centrum Borgele",
)

EMERGENCY_RELATIONS: tuple[tuple[str, str], ...] = (
    ("Oma", "grootmoeder"),
    ("Opa", "grootvader"),
    ("Tante", "tante"),
    ("Oom", "oom"),
    ("Buurvrouw", "buurvrouw"),
    ("Buurman", "buurman"),
    ("Oppas", "oppas"),
)
EMERGENCY_REMARKS: tuple[str, ...] = (
    "",
    "",
    "",
    "Alleen overdag bereikbaar",
    "Woont om de hoek",
    "Haalt op woensdag op",
)

ALLERGIES: tuple[str, ...] = (
    "Pinda's (EpiPen in de klas)",
    "Noten",
    "Koemelkeiwit",
    "Wespensteken",
    "Hooikoorts in het voorjaar",
    "Gluten (coeliakie)",
    "Kippenei",
)
MEDICINES: tuple[str, ...] = (
    "Puffer (salbutamol) bij benauwdheid, zit in het laatje van de juf",
    "Methylfenidaat 10 mg om 12.00 uur",
    "Antihistaminicum bij hooikoorts",
    "Insulinepomp; ouders komen om 12.00 uur langs",
)
LIMITATIONS: tuple[str, ...] = (
    "Draagt een bril",
    "Slechthorend rechts; graag vooraan laten zitten",
    "Dyslexieverklaring aanwezig",
    "Mag niet zwemmen (trommelvliesbuisjes)",
    "Snel vermoeid; mag even rusten in de stilteruimte",
)
OTHER_MEDICAL: tuple[str, ...] = (
    "Epilepsie; protocol ligt in de groepsmap",
    "Diabetes type 1",
    "Eczeem; zalf na de gymles",
)

PUPIL_REMARKS: tuple[str, ...] = (
    "Logopedie op dinsdagochtend van 9.00 tot 9.30 uur.",
    "Doet mee aan de plusklas op donderdag.",
    "Krijgt extra begeleiding bij rekenen.",
    "Wordt op woensdag opgehaald door de BSO.",
    "Zwemles na schooltijd; ophalen om 15.00 uur.",
    "Fysiotherapie op school, vrijdag om 11.00 uur.",
    "Thuistaal is Arabisch; ouders lezen Nederlands en Engels.",
    "Heeft een ontwikkelingsperspectief; zie het dossier bij de intern begeleider.",
)

CONFIDENTIAL_ADDRESS_REMARK = "Adres geheim; geen gegevens delen met derden zonder overleg met de directie."

# Subjects by stage; kindergarten groups (1/2) have a different day than the other groups.
KINDERGARTEN_SUBJECTS: tuple[str, ...] = (
    "Kringactiviteit",
    "Spelen en werken",
    "Buitenspel",
    "Beweging in de speelzaal",
    "Voorlezen",
    "Muziek",
    "Knutselen",
    "Taalspel",
    "Rekenspel",
)
LOWER_SUBJECTS: tuple[str, ...] = (
    "Rekenen",
    "Taal",
    "Spelling",
    "Lezen",
    "Schrijven",
    "Wereldoriëntatie",
    "Gym",
    "Muziek",
    "Tekenen",
    "Levensbeschouwing",
)
UPPER_SUBJECTS: tuple[str, ...] = (
    "Rekenen",
    "Taal",
    "Spelling",
    "Begrijpend lezen",
    "Aardrijkskunde",
    "Geschiedenis",
    "Natuur en techniek",
    "Engels",
    "Gym",
    "Muziek",
    "Handvaardigheid",
    "Burgerschap",
)

# Teaching blocks per weekday: Wednesday is a morning-only day at Dutch primary schools.
FULL_DAY_BLOCKS: tuple[tuple[str, str], ...] = (("08:30", "10:00"), ("10:15", "12:00"), ("12:45", "14:30"))
SHORT_DAY_BLOCKS: tuple[tuple[str, str], ...] = (("08:30", "10:00"), ("10:15", "12:15"))

STAFF_FUNCTION_TITLES: dict[str, str] = {
    "teacher": "Leerkracht",
    "principal": "Directeur",
    "coordinator": "Intern begeleider",
    "support": "Onderwijsassistent",
    "administration": "Administratief medewerker",
}
