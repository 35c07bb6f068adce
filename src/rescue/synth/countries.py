"""Countries of the synthetic world: weights, Faker locales, languages, time zones, providers.

Weights follow the shape of the large international cases (many members in the US and
western Europe, a long tail elsewhere). Time zones carry their standard UTC offset and whether
they observe daylight saving time, because phpBB 3.0 stores ``user_timezone`` as decimal hours
plus ``user_dst``; no tz database is needed at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    weight: float
    variants: tuple[tuple[str, str, float], ...]  # (Faker locale, ISO 639-1 language, share)
    zones: tuple[tuple[str, float, bool, float], ...]  # (IANA zone, std offset h, DST, share)
    cities: tuple[str, ...]
    providers: tuple[str, ...]  # e-mail providers typical for the country
    carrier: str = ""  # ASN name of a mobile carrier whose CGNAT exits are shared (trap)


GLOBAL_PROVIDERS = ("gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "proton.me",
                    "protonmail.com", "gmx.com", "mail.com", "icloud.com", "tutanota.com")


def _z(zone: str, off: float, dst: bool = True, share: float = 1.0) -> tuple[str, float, bool, float]:
    return (zone, off, dst, share)


COUNTRIES: tuple[Country, ...] = (
    Country("US", "United States", 16.0, (("en_US", "en", 1.0),),
            (_z("America/New_York", -5, True, .47), _z("America/Chicago", -6, True, .29),
             _z("America/Denver", -7, True, .07), _z("America/Los_Angeles", -8, True, .17)),
            ("Columbus", "Austin", "Denver", "Portland", "Tampa", "Milwaukee", "Boston", "Sacramento"),
            ("yahoo.com", "aol.com", "comcast.net", "att.net", "verizon.net", "icloud.com"),
            "T-MOBILE-AS21928"),
    Country("GB", "United Kingdom", 9.0, (("en_GB", "en", 1.0),), (_z("Europe/London", 0),),
            ("Leeds", "Bristol", "Norwich", "Cardiff", "Glasgow", "Brighton", "York", "Leicester"),
            ("btinternet.com", "yahoo.co.uk", "hotmail.co.uk", "sky.com", "virginmedia.com",
             "talktalk.net"), "EE Limited"),
    Country("DE", "Germany", 9.0, (("de_DE", "de", 1.0),), (_z("Europe/Berlin", 1),),
            ("Hamburg", "Köln", "Leipzig", "Münster", "Freiburg", "Dresden", "Kassel", "Bremen"),
            ("web.de", "gmx.de", "t-online.de", "freenet.de", "posteo.de", "mail.de", "arcor.de"),
            "Telefonica Germany"),
    Country("FR", "France", 6.0, (("fr_FR", "fr", 1.0),), (_z("Europe/Paris", 1),),
            ("Lyon", "Nantes", "Lille", "Rennes", "Bordeaux", "Toulouse", "Dijon", "Grenoble"),
            ("orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr", "hotmail.fr", "yahoo.fr"),
            "Free Mobile SAS"),
    Country("NL", "Netherlands", 4.0, (("nl_NL", "nl", 1.0),), (_z("Europe/Amsterdam", 1),),
            ("Utrecht", "Groningen", "Eindhoven", "Haarlem", "Zwolle", "Leiden", "Breda"),
            ("ziggo.nl", "kpnmail.nl", "hetnet.nl", "planet.nl", "home.nl", "live.nl"),
            "Vodafone Libertel B.V."),
    Country("ES", "Spain", 5.0, (("es_ES", "es", 1.0),),
            (_z("Europe/Madrid", 1, True, .95), _z("Atlantic/Canary", 0, True, .05)),
            ("Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao", "Granada", "Alicante"),
            ("telefonica.net", "yahoo.es", "hotmail.es", "movistar.es"), "Vodafone Spain"),
    Country("IT", "Italy", 5.0, (("it_IT", "it", 1.0),), (_z("Europe/Rome", 1),),
            ("Torino", "Bologna", "Firenze", "Verona", "Padova", "Bari", "Genova", "Trieste"),
            ("libero.it", "virgilio.it", "alice.it", "tiscali.it", "tin.it", "yahoo.it"),
            "Wind Tre S.p.A."),
    Country("PL", "Poland", 4.0, (("pl_PL", "pl", 1.0),), (_z("Europe/Warsaw", 1),),
            ("Kraków", "Wrocław", "Gdańsk", "Poznań", "Łódź", "Lublin", "Szczecin"),
            ("wp.pl", "onet.pl", "o2.pl", "interia.pl", "gazeta.pl", "op.pl"), "Play"),
    Country("BR", "Brazil", 4.0, (("pt_BR", "pt", 1.0),),
            (_z("America/Sao_Paulo", -3, False, .8), _z("America/Manaus", -4, False, .2)),
            ("Campinas", "Curitiba", "Recife", "Salvador", "Fortaleza", "Belo Horizonte"),
            ("uol.com.br", "bol.com.br", "terra.com.br", "yahoo.com.br"), "TIM SA"),
    Country("CA", "Canada", 4.0, (("en_CA", "en", .78), ("fr_CA", "fr", .22)),
            (_z("America/Toronto", -5, True, .6), _z("America/Vancouver", -8, True, .2),
             _z("America/Edmonton", -7, True, .12), _z("America/Halifax", -4, True, .08)),
            ("Ottawa", "Calgary", "Halifax", "Winnipeg", "Québec", "Victoria"),
            ("rogers.com", "shaw.ca", "sympatico.ca", "videotron.ca", "yahoo.ca")),
    Country("AU", "Australia", 3.0, (("en_AU", "en", 1.0),),
            (_z("Australia/Sydney", 10, True, .55), _z("Australia/Brisbane", 10, False, .2),
             _z("Australia/Perth", 8, False, .15), _z("Australia/Adelaide", 9.5, True, .1)),
            ("Brisbane", "Perth", "Adelaide", "Hobart", "Geelong", "Newcastle"),
            ("bigpond.com", "optusnet.com.au", "iinet.net.au", "yahoo.com.au")),
    Country("SE", "Sweden", 2.0, (("sv_SE", "sv", 1.0),), (_z("Europe/Stockholm", 1),),
            ("Göteborg", "Malmö", "Uppsala", "Umeå", "Örebro"), ("telia.com", "spray.se", "bredband.net")),
    Country("BE", "Belgium", 2.0, (("nl_BE", "nl", .6), ("fr_BE", "fr", .4)), (_z("Europe/Brussels", 1),),
            ("Gent", "Antwerpen", "Liège", "Namur", "Brugge", "Leuven"),
            ("skynet.be", "telenet.be", "proximus.be")),
    Country("AT", "Austria", 2.0, (("de_AT", "de", 1.0),), (_z("Europe/Vienna", 1),),
            ("Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt"), ("aon.at", "chello.at", "gmx.at", "a1.net")),
    Country("CH", "Switzerland", 2.0, (("de_CH", "de", .65), ("fr_CH", "fr", .25), ("it_CH", "it", .1)),
            (_z("Europe/Zurich", 1),), ("Basel", "Bern", "Lausanne", "Luzern", "Lugano", "St. Gallen"),
            ("bluewin.ch", "gmx.ch", "sunrise.ch")),
    Country("DK", "Denmark", 1.5, (("da_DK", "da", 1.0),), (_z("Europe/Copenhagen", 1),),
            ("Aarhus", "Odense", "Aalborg", "Esbjerg"), ("mail.dk", "jubii.dk", "stofanet.dk")),
    Country("NO", "Norway", 1.5, (("no_NO", "nb", 1.0),), (_z("Europe/Oslo", 1),),
            ("Bergen", "Trondheim", "Stavanger", "Tromsø"), ("online.no", "getmail.no")),
    Country("FI", "Finland", 1.0, (("fi_FI", "fi", 1.0),), (_z("Europe/Helsinki", 2),),
            ("Tampere", "Turku", "Oulu", "Espoo"), ("luukku.com", "suomi24.fi", "kolumbus.fi")),
    Country("IE", "Ireland", 1.5, (("en_IE", "en", 1.0),), (_z("Europe/Dublin", 0),),
            ("Cork", "Galway", "Limerick", "Waterford"), ("eircom.net", "iol.ie")),
    Country("PT", "Portugal", 1.5, (("pt_PT", "pt", 1.0),), (_z("Europe/Lisbon", 0),),
            ("Porto", "Braga", "Coimbra", "Faro", "Aveiro"), ("sapo.pt", "netcabo.pt", "clix.pt")),
    Country("CZ", "Czechia", 1.5, (("cs_CZ", "cs", 1.0),), (_z("Europe/Prague", 1),),
            ("Brno", "Ostrava", "Plzeň", "Olomouc"), ("seznam.cz", "centrum.cz", "email.cz", "atlas.cz")),
    Country("HU", "Hungary", 1.0, (("hu_HU", "hu", 1.0),), (_z("Europe/Budapest", 1),),
            ("Debrecen", "Szeged", "Pécs", "Győr"), ("freemail.hu", "citromail.hu", "t-online.hu")),
    Country("RO", "Romania", 1.5, (("ro_RO", "ro", 1.0),), (_z("Europe/Bucharest", 2),),
            ("Cluj-Napoca", "Iași", "Timișoara", "Brașov"), ("yahoo.ro", "rdslink.ro")),
    Country("GR", "Greece", 1.0, (("el_GR", "el", 1.0),), (_z("Europe/Athens", 2),),
            ("Thessaloniki", "Patra", "Heraklion", "Larissa"), ("otenet.gr", "yahoo.gr")),
    Country("MX", "Mexico", 2.0, (("es_MX", "es", 1.0),),
            (_z("America/Mexico_City", -6, True, .85), _z("America/Tijuana", -8, True, .15)),
            ("Guadalajara", "Monterrey", "Puebla", "Querétaro", "Mérida"),
            ("prodigy.net.mx", "yahoo.com.mx")),
    Country("AR", "Argentina", 1.0, (("es_AR", "es", 1.0),),
            (_z("America/Argentina/Buenos_Aires", -3, False),),
            ("Córdoba", "Rosario", "Mendoza", "La Plata"), ("fibertel.com.ar", "yahoo.com.ar")),
    Country("RU", "Russia", 2.0, (("ru_RU", "ru", 1.0),),
            (_z("Europe/Moscow", 3, False, .8), _z("Asia/Yekaterinburg", 5, False, .1),
             _z("Asia/Novosibirsk", 7, False, .1)),
            ("Kazan", "Samara", "Perm", "Yaroslavl", "Tomsk"),
            ("mail.ru", "yandex.ru", "rambler.ru", "bk.ru", "list.ru", "inbox.ru")),
    Country("UA", "Ukraine", 1.0, (("uk_UA", "uk", 1.0),), (_z("Europe/Kyiv", 2),),
            ("Lviv", "Kharkiv", "Odesa", "Dnipro"), ("ukr.net", "i.ua", "meta.ua")),
    Country("TR", "Türkiye", 1.0, (("tr_TR", "tr", 1.0),), (_z("Europe/Istanbul", 3, False),),
            ("İzmir", "Bursa", "Antalya", "Eskişehir"), ("mynet.com", "yandex.com.tr")),
    Country("NZ", "New Zealand", 1.0, (("en_NZ", "en", 1.0),), (_z("Pacific/Auckland", 12),),
            ("Wellington", "Christchurch", "Dunedin", "Hamilton"), ("xtra.co.nz", "slingshot.co.nz")),
    Country("JP", "Japan", 1.0, (("ja_JP", "ja", 1.0),), (_z("Asia/Tokyo", 9, False),),
            ("Osaka", "Sapporo", "Fukuoka", "Sendai", "Nagoya"),
            ("yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "nifty.com")),
    Country("IN", "India", 1.5, (("en_IN", "en", 1.0),), (_z("Asia/Kolkata", 5.5, False),),
            ("Pune", "Bengaluru", "Chennai", "Hyderabad", "Jaipur"), ("rediffmail.com", "yahoo.co.in")),
    Country("ZA", "South Africa", 1.0, (("zu_ZA", "en", 1.0),), (_z("Africa/Johannesburg", 2, False),),
            ("Durban", "Pretoria", "Port Elizabeth", "Bloemfontein"),
            ("mweb.co.za", "telkomsa.net", "webmail.co.za")),
    Country("SK", "Slovakia", 0.7, (("sk_SK", "sk", 1.0),), (_z("Europe/Bratislava", 1),),
            ("Košice", "Žilina", "Nitra"), ("azet.sk", "centrum.sk", "zoznam.sk")),
    Country("HR", "Croatia", 0.6, (("hr_HR", "hr", 1.0),), (_z("Europe/Zagreb", 1),),
            ("Split", "Rijeka", "Osijek"), ("net.hr", "t-com.hr")),
    Country("BG", "Bulgaria", 0.6, (("bg_BG", "bg", 1.0),), (_z("Europe/Sofia", 2),),
            ("Plovdiv", "Varna", "Burgas"), ("abv.bg", "mail.bg")),
    Country("SI", "Slovenia", 0.4, (("sl_SI", "sl", 1.0),), (_z("Europe/Ljubljana", 1),),
            ("Maribor", "Celje", "Koper"), ("siol.net",)),
    Country("LU", "Luxembourg", 0.3, (("fr_FR", "fr", .6), ("de_DE", "de", .4)),
            (_z("Europe/Luxembourg", 1),), ("Esch-sur-Alzette", "Differdange", "Ettelbruck"), ("pt.lu",)),
    Country("EE", "Estonia", 0.3, (("et_EE", "et", 1.0),), (_z("Europe/Tallinn", 2),),
            ("Tartu", "Pärnu", "Narva"), ("hot.ee", "mail.ee")),
    Country("LT", "Lithuania", 0.4, (("lt_LT", "lt", 1.0),), (_z("Europe/Vilnius", 2),),
            ("Kaunas", "Klaipėda", "Šiauliai"), ("one.lt", "takas.lt")),
    Country("LV", "Latvia", 0.3, (("lv_LV", "lv", 1.0),), (_z("Europe/Riga", 2),),
            ("Daugavpils", "Liepāja", "Jelgava"), ("inbox.lv", "apollo.lv")),
    Country("CL", "Chile", 0.6, (("es_CL", "es", 1.0),), (_z("America/Santiago", -4),),
            ("Valparaíso", "Concepción", "Antofagasta"), ("vtr.net",)),
    Country("CO", "Colombia", 0.6, (("es_CO", "es", 1.0),), (_z("America/Bogota", -5, False),),
            ("Medellín", "Cali", "Barranquilla"), ("une.net.co", "etb.net.co")),
)

# Where people go on holiday (travel trap): destinations weighted, never the home country.
TRAVEL_DESTINATIONS: tuple[tuple[str, float], ...] = (
    ("ES", 5), ("IT", 4), ("FR", 4), ("US", 3), ("GB", 2), ("PT", 2), ("GR", 2), ("HR", 2),
    ("TR", 2), ("DE", 2), ("NL", 1), ("AT", 1), ("MX", 1), ("JP", 1), ("CZ", 1),
)

# Countries whose hosting ranges serve as VPN and Tor exits.
HOSTING_ASNS: tuple[str, ...] = (
    "OVH SAS", "DIGITALOCEAN-ASN", "Hetzner Online GmbH", "Scaleway S.a.s.", "M247 Europe SRL",
    "AS-CHOOPA", "Datacamp Limited", "LeaseWeb Netherlands B.V.", "Contabo GmbH",
    "WorldStream B.V.", "NForce Entertainment B.V.", "Serverius Holding B.V.",
)

BY_CODE: dict[str, int] = {c.code: i for i, c in enumerate(COUNTRIES)}


def country_weights() -> list[float]:
    return [c.weight for c in COUNTRIES]
