"""The transfer checklist: adapting a practice to another city, step by step.

The steps follow URBACT's Understand → Adapt → Re-use method, Interreg Europe's action-plan elements
(actions, timeframe, players, costs, funding sources), the policy-transfer literature's three failure
modes (Dolowitz & Marsh 2000: uninformed, incomplete, inappropriate transfer), Rose's lesson-drawing
(a prospective evaluation: what would happen here) and the context-by-context comparison of
transferability tools (PIET-T 2018, ASTAIRE 2013). Sources are listed in the README.

A checklist is pre-filled from the practice (its resources, evidence, difficulties, stakeholders, success
factors and contact, and the legal instruments and funding its text names, each with the sentence it
came from) and compares the practice's context with the target city's: different countries flag the
legal basis and financing, a city size that differs by more than a factor of three flags the physical
and economic context, and a "different" on something a core component depends on is a red flag.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field, fields

from .models import Practice, clean_text, now_iso

LANGUAGES = ("pl", "uk", "en")
SIZE_FACTOR = 3.0  # populations further apart than this are "different" in size
CONTEXT_STATUSES = ("unknown", "similar", "different")
TASK_STATUSES = ("open", "in progress", "done", "not applicable")


def _t(en: str, pl: str, uk: str) -> dict[str, str]:
    return {"en": en, "pl": pl, "uk": uk}


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    kind: str  # "task" (status, note, owner, due date) or "context" (similar / different / unknown)
    label: dict[str, str]
    hint: dict[str, str]
    prefill: tuple[str, ...] = ()  # practice fields (or "legal", "funding") whose content pre-fills it


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    title: dict[str, str]
    source: str  # the method the step comes from
    items: tuple[Item, ...]


STEPS: tuple[Step, ...] = (
    Step("frame", _t("Frame the local need", "Określ lokalną potrzebę", "Визначте місцеву потребу"),
         "URBACT: Understand", (
        Item("need", "task", _t("The local challenge in one sentence", "Lokalne wyzwanie w jednym zdaniu",
                                "Місцевий виклик одним реченням"),
             _t("What problem should the practice solve here, and for whom?",
                "Jaki problem ma rozwiązać praktyka u nas i dla kogo?",
                "Яку проблему має розв'язати практика у нас і для кого?")),
        Item("owner", "task", _t("The department that owns the transfer", "Wydział odpowiedzialny za transfer",
                                 "Підрозділ, відповідальний за перенесення"),
             _t("One owner, with a named person.", "Jeden właściciel, z imienia i nazwiska.",
                "Один відповідальний, з ім'ям і прізвищем.")),
        Item("baseline", "task", _t("Baseline: indicators and target group", "Stan wyjściowy: wskaźniki i grupa docelowa",
                                    "Вихідний стан: показники та цільова група"),
             _t("Measure now what the practice should change.", "Zmierz teraz to, co praktyka ma zmienić.",
                "Виміряйте зараз те, що практика має змінити.")),
    )),
    Step("understand", _t("Understand the practice", "Zrozum praktykę", "Зрозумійте практику"),
         "URBACT: Understand; Dolowitz & Marsh: uninformed transfer", (
        Item("components", "task", _t("Components, each marked core or adaptable",
                                      "Elementy praktyki, każdy oznaczony jako kluczowy lub do dostosowania",
                                      "Складові практики, кожна позначена як ключова або така, яку можна змінити"),
             _t("Core: without it the practice does not work. Adaptable: can change here.",
                "Kluczowy: bez niego praktyka nie działa. Do dostosowania: może się u nas zmienić.",
                "Ключова: без неї практика не працює. Адаптовна: може у нас змінитися."), ("description",)),
        Item("evidence", "task", _t("Evidence of success", "Dowody sukcesu", "Докази успіху"),
             _t("Which results are measured, and by whom?", "Które wyniki są zmierzone i przez kogo?",
                "Які результати виміряні і ким?"), ("evidence",)),
        Item("resources", "task", _t("Resources needed", "Potrzebne zasoby", "Необхідні ресурси"),
             _t("Money, staff, buildings, time: what would it cost here?",
                "Pieniądze, ludzie, budynki, czas: ile kosztowałoby to u nas?",
                "Гроші, люди, будівлі, час: скільки це коштувало б у нас?"), ("resources", "funding")),
        Item("difficulties", "task", _t("Difficulties and how they were overcome",
                                        "Trudności i jak je pokonano", "Труднощі та як їх подолали"),
             _t("Ask the owner what they would do differently.", "Zapytaj autorów, co zrobiliby inaczej.",
                "Запитайте авторів, що вони зробили б інакше."), ("difficulties",)),
        Item("success_factors", "task", _t("Key success factors", "Kluczowe czynniki sukcesu",
                                           "Ключові чинники успіху"),
             _t("What had to be true for it to work?", "Co musiało być spełnione, żeby zadziałało?",
                "Що мало бути виконано, щоб це спрацювало?"), ("transfer",)),
        Item("contact", "task", _t("Contact with the owner and a study visit", "Kontakt z autorami i wizyta studyjna",
                                   "Контакт з авторами та навчальний візит"),
             _t("Plan a call, then a visit with the local group.", "Zaplanuj rozmowę, potem wizytę z grupą lokalną.",
                "Заплануйте розмову, потім візит з місцевою групою."), ("contact",)),
    )),
    Step("compare", _t("Compare the contexts", "Porównaj konteksty", "Порівняйте контексти"),
         "PIET-T, ASTAIRE; Dolowitz & Marsh: inappropriate transfer", (
        Item("population", "context", _t("Population and beneficiaries", "Mieszkańcy i odbiorcy",
                                         "Населення та отримувачі"),
             _t("Are the people it served like the people here?", "Czy odbiorcy są podobni do naszych?",
                "Чи схожі отримувачі на наших?")),
        Item("legal", "context", _t("Legal basis in the target country", "Podstawa prawna w kraju docelowym",
                                    "Правова основа в країні призначення"),
             _t("Which law or resolution does it rest on, and is there an equivalent here?",
                "Na jakiej ustawie lub uchwale się opiera i czy mamy odpowiednik?",
                "На якому законі чи рішенні вона ґрунтується і чи є у нас відповідник?"), ("legal",)),
        Item("competences", "context", _t("Competences and institutional capacity", "Kompetencje i zdolności instytucji",
                                          "Повноваження та інституційна спроможність"),
             _t("Is the city allowed to do this, and does it have the staff?",
                "Czy gmina może to robić i czy ma ludzi?", "Чи може громада це робити і чи має людей?")),
        Item("financing", "context", _t("Financing: cost against budget, eligible funds",
                                        "Finansowanie: koszt a budżet, dostępne fundusze",
                                        "Фінансування: вартість і бюджет, доступні фонди"),
             _t("Compare the cost with what the budget and funds here allow.",
                "Porównaj koszt z tym, na co pozwala budżet i fundusze.",
                "Порівняйте вартість з тим, що дозволяють бюджет і фонди."), ("funding",)),
        Item("political", "context", _t("Political support", "Wsparcie polityczne", "Політична підтримка"),
             _t("Who must champion it, and until when is their mandate?",
                "Kto musi to wspierać i do kiedy trwa kadencja?",
                "Хто має це підтримати і до коли триває каденція?")),
        Item("stakeholders", "context", _t("Stakeholders who must agree", "Interesariusze, których zgoda jest potrzebna",
                                           "Зацікавлені сторони, чия згода потрібна"),
             _t("List them; mark who is missing here.", "Wypisz ich; zaznacz, kogo u nas brakuje.",
                "Перелічіть їх; позначте, кого у нас немає."), ("stakeholders",)),
        Item("physical", "context", _t("Physical and economic context (city size, housing stock, density, climate)",
                                       "Kontekst fizyczny i gospodarczy (wielkość miasta, zasób mieszkaniowy, gęstość, klimat)",
                                       "Фізичний та економічний контекст (розмір міста, житловий фонд, щільність, клімат)"),
             _t("Size, stock and climate change what works.", "Wielkość, zasób i klimat zmieniają to, co działa.",
                "Розмір, фонд і клімат змінюють те, що працює.")),
        Item("language", "context", _t("Language and terminology", "Język i terminologia", "Мова та термінологія"),
             _t("Translate the key terms; check they mean the same here.",
                "Przetłumacz kluczowe pojęcia; sprawdź, czy znaczą to samo.",
                "Перекладіть ключові терміни; перевірте, чи означають те саме.")),
    )),
    Step("adapt", _t("Adapt", "Dostosuj", "Адаптуйте"), "URBACT: Adapt; Rose: lesson-drawing", (
        Item("degree", "task", _t("Degree of transfer: copy, emulate, mix or inspiration",
                                  "Stopień transferu: kopia, naśladowanie, połączenie czy inspiracja",
                                  "Ступінь перенесення: копія, наслідування, поєднання чи натхнення"),
             _t("Say which, and why.", "Napisz który i dlaczego.", "Напишіть який і чому.")),
        Item("changes", "task", _t("What changes, and why", "Co się zmienia i dlaczego", "Що змінюється і чому"),
             _t("One line per adaptable component.", "Jedna linijka na każdy element do dostosowania.",
                "Один рядок на кожну складову, яку можна змінити.")),
        Item("local_group", "task", _t("Co-design with a local stakeholder group", "Współprojektowanie z grupą lokalną",
                                       "Спільне проєктування з місцевою групою"),
             _t("The URBACT Local Group: who sits at the table?", "Grupa lokalna URBACT: kto siedzi przy stole?",
                "Місцева група URBACT: хто за столом?")),
        Item("pilot", "task", _t("A small pilot", "Mały pilotaż", "Невеликий пілот"),
             _t("Where, when, with whom; what would tell you it works here?",
                "Gdzie, kiedy, z kim; po czym poznasz, że u nas działa?",
                "Де, коли, з ким; як зрозуміти, що у нас працює?")),
        Item("failure_checks", "task", _t("The three failure checks: uninformed, incomplete, inappropriate",
                                          "Trzy testy porażki: niedoinformowany, niepełny, nieodpowiedni transfer",
                                          "Три перевірки невдачі: непоінформоване, неповне, недоречне перенесення"),
             _t("Do we know enough? Is a core component missing? Do the contexts differ where it matters?",
                "Czy wiemy dość? Czy brakuje kluczowego elementu? Czy konteksty różnią się tam, gdzie to ważne?",
                "Чи знаємо ми достатньо? Чи бракує ключової складової? Чи відрізняються контексти там, де це важливо?")),
    )),
    Step("plan", _t("Plan", "Zaplanuj", "Сплануйте"), "Interreg Europe action plan", (
        Item("actions", "task", _t("Actions with timeframe, players, costs and funding sources",
                                   "Działania z terminami, wykonawcami, kosztami i źródłami finansowania",
                                   "Дії з термінами, виконавцями, витратами та джерелами фінансування"),
             _t("Fill in the plan below; it goes into the exported transfer plan.",
                "Wypełnij plan poniżej; trafi do eksportowanego planu transferu.",
                "Заповніть план нижче; він увійде до експортованого плану перенесення.")),
        Item("risks", "task", _t("Risks and what you will do about them", "Ryzyka i sposoby reagowania",
                                 "Ризики та як на них реагувати"),
             _t("Start from the practice's difficulties.", "Zacznij od trudności, które napotkała praktyka.",
                "Почніть з труднощів, з якими зіткнулася практика."), ("difficulties",)),
    )),
    Step("reuse", _t("Re-use and monitor", "Wdrażaj i monitoruj", "Впроваджуйте та відстежуйте"),
         "URBACT: Re-use", (
        Item("indicators", "task", _t("Output and outcome indicators, each with an owner",
                                      "Wskaźniki produktu i rezultatu, każdy z właścicielem",
                                      "Показники продукту та результату, кожен з відповідальним"),
             _t("Transferability is proven only afterwards, here.", "Przenaszalność potwierdza się dopiero potem, u nas.",
                "Переносимість підтверджується лише потім, у нас.")),
        Item("record", "task", _t("Record the adapted practice and share it", "Opisz dostosowaną praktykę i udostępnij ją",
                                  "Опишіть адаптовану практику та поширте її"),
             _t("A new sheet linked to its source, in the national language.",
                "Nowa karta powiązana ze źródłem, w języku krajowym.",
                "Нова картка, пов'язана з джерелом, національною мовою.")),
    )),
)
ITEMS: dict[str, Item] = {item.key: item for step in STEPS for item in step.items}

LABELS = {
    "checklist": _t("Transfer checklist", "Lista kontrolna transferu", "Чек-лист перенесення"),
    "plan": _t("Draft transfer plan", "Wstępny plan transferu", "Попередній план перенесення"),
    "from": _t("From", "Skąd", "Звідки"), "to": _t("To", "Dokąd", "Куди"),
    "action": _t("Action", "Działanie", "Дія"), "timeframe": _t("Timeframe", "Termin", "Терміни"),
    "players": _t("Players", "Wykonawcy", "Виконавці"), "costs": _t("Costs", "Koszty", "Витрати"),
    "funding": _t("Funding sources", "Źródła finansowania", "Джерела фінансування"),
    "red_flags": _t("Red flags", "Czerwone flagi", "Червоні прапорці"),
    "from_practice": _t("From the practice", "Z opisu praktyki", "З опису практики"),
    "progress": _t("Progress", "Postęp", "Прогрес"), "note": _t("Note", "Notatka", "Нотатка"),
    "owner": _t("Owner", "Odpowiedzialny", "Відповідальний"), "due": _t("Due", "Termin", "Термін"),
    "status": _t("Status", "Status", "Статус"),
    "unknown": _t("unknown", "nie wiadomo", "невідомо"), "similar": _t("similar", "podobne", "схоже"),
    "different": _t("different", "inne", "інше"), "open": _t("open", "do zrobienia", "відкрито"),
    "in progress": _t("in progress", "w toku", "у роботі"), "done": _t("done", "zrobione", "виконано"),
    "not applicable": _t("not applicable", "nie dotyczy", "не стосується"),
    "core": _t("a core component depends on it", "zależy od tego kluczowy element", "від цього залежить ключова складова"),
    "department": _t("Department", "Wydział", "Підрозділ"), "population": _t("Population", "Liczba mieszkańców", "Населення"),
}

# Sentences that name legal instruments or funding, in the practice's own language.
LEGAL = re.compile(
    r"(?i)\b(?:uchwał\w*|ustaw\w*|rozporządz\w*|zarządzeni\w*|regulamin\w*|przepis\w*|prawo|prawa|"
    r"закон\w*|постанов\w*|рішенн\w*|положенн\w*|розпорядженн\w*|наказ\w*|кодекс\w*|"
    r"law|laws|act|regulation\w*|ordinance\w*|by-law\w*|decree\w*|resolution\w*|statute\w*|legal\w*|contract\w*|"
    r"umow\w*|договір\w*|договор\w*)\b")
FUNDING = re.compile(
    r"(?i)\b(?:fundusz\w*|dotacj\w*|grant\w*|subwencj\w*|dofinansowan\w*|budżet\w*|środk\w*|pożyczk\w*|"
    r"EFRR|EFS|FEnIKS|KPO|RPO|фонд\w*|грант\w*|субвенц\w*|бюджет\w*|кошт\w*|співфінанс\w*|"
    r"fund\w*|subsid\w*|budget\w*|loan\w*|ERDF|ESF|EIB|Interreg|URBACT|EUR|PLN|UAH|zł|грн|€)")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ„\"«])")  # "ok. 40 tys." stays whole


@dataclass(frozen=True, slots=True)
class Prefill:
    item: str
    field: str  # the practice's field it came from, or "legal" / "funding" found in its text
    text: str  # the sentence, in the practice's language


def _sentences(text: str) -> list[str]:
    return [clean_text(s.strip(" -•")) for line in (text or "").split("\n") for s in _SENTENCES.split(line)
            if len(s.split()) >= 3]


def prefill(practice: Practice) -> list[Prefill]:
    """What the practice itself says for each item: its sheet fields, and the sentences of its text that
    name legal instruments or funding."""
    out: list[Prefill] = []
    named: dict[str, list[str]] = {"legal": [], "funding": []}
    for sentence in _sentences(practice.body):
        if LEGAL.search(sentence):
            named["legal"].append(sentence)
        if FUNDING.search(sentence):
            named["funding"].append(sentence)
    for item in ITEMS.values():
        seen: set[str] = set()
        for source in item.prefill:
            sentences = named[source][:4] if source in named else _sentences(practice.fields.get(source, ""))[:6]
            for sentence in sentences:
                if sentence not in seen:
                    seen.add(sentence)
                    out.append(Prefill(item.key, source, sentence))
    return out


def by_item(prefills: list[Prefill]) -> dict[str, list[Prefill]]:
    """Pre-filled sentences grouped under the item they belong to."""
    out: dict[str, list[Prefill]] = {}
    for p in prefills:
        out.setdefault(p.item, []).append(p)
    return out


@dataclass(slots=True)
class ItemState:
    status: str = ""  # a TASK_STATUSES or CONTEXT_STATUSES value ("" = not started / unknown)
    note: str = ""
    owner: str = ""
    due: str = ""  # ISO date
    core: bool = False  # context items: a core component depends on it
    flag: str = ""  # why the comparison flagged it (countries differ, size differs)


@dataclass(slots=True)
class Action:
    """One line of the draft transfer plan: the Interreg Europe action-plan elements."""

    action: str = ""
    timeframe: str = ""
    players: str = ""
    costs: str = ""
    funding: str = ""

    @classmethod
    def of(cls, values: dict) -> Action:
        """An action from form or JSON values: text only, control characters removed, 500 characters each."""
        return cls(**{name: clean_text(str(values.get(name) or "")).strip()[:500] for name in ACTION_FIELDS})

    def filled(self) -> bool:
        return any(getattr(self, name) for name in ACTION_FIELDS)


ACTION_FIELDS = tuple(f.name for f in fields(Action))


@dataclass(slots=True)
class Checklist:
    id: str
    practice_id: str
    city: str
    country: str = ""
    population: int = 0
    department: str = ""
    lang: str = "en"  # the template's language
    share_token: str = ""
    practice_title: str = ""  # the practice's title when the checklist was started (a re-ingest may change it)
    items: dict[str, ItemState] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    revision: int = 0  # one more at each save: a form based on an older one is refused, not saved over it

    def state(self, key: str) -> ItemState:
        return self.items.setdefault(key, ItemState())

    def progress(self) -> tuple[int, int]:
        """(items settled, items): a task is settled when done or not applicable, a context item when
        marked similar or different."""
        settled = 0
        for key, item in ITEMS.items():
            status = self.items.get(key, ItemState()).status
            settled += status in (("similar", "different") if item.kind == "context" else ("done", "not applicable"))
        return settled, len(ITEMS)

    def red_flags(self) -> list[str]:
        """Context items marked different that a core component depends on."""
        return [key for key, item in ITEMS.items() if item.kind == "context"
                and self.items.get(key, ItemState()).status == "different" and self.items[key].core]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["progress"] = dict(zip(("settled", "items"), self.progress()))
        data["red_flags"] = self.red_flags()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Checklist:
        data = {k: v for k, v in data.items() if k not in ("progress", "red_flags")}
        items = {k: ItemState(**v) for k, v in (data.pop("items", None) or {}).items() if k in ITEMS}
        actions = [Action(**a) for a in data.pop("actions", None) or []]
        return cls(**data, items=items, actions=actions)


def city_population(city: str, country: str) -> int:
    """The population GeoNames gives a city (0 when unknown)."""
    from .places import fold, gazetteer

    if not city:
        return 0
    places, _ = gazetteer().lookup_city(city)
    matching = [p for p in places if not country or p.country == country.upper()]
    return max((p.population for p in matching), default=0) if fold(city) else 0


def national_language(country: str) -> str:
    """The main language of a country (CLDR's likely subtags): PL → pl, UA → uk; '' when unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(f"und_{country.upper()}").language if country else ""
    except (UnknownLocaleError, ValueError):
        return ""


def compare(checklist: Checklist, practice: Practice) -> None:
    """Flag the context items the two places make different: another country (legal basis, financing,
    language), a size further apart than SIZE_FACTOR (physical and economic context). A flag says what to
    check (flag_text); the status stays the user's to set."""
    if practice.country and checklist.country and practice.country != checklist.country.upper():
        reason = f"{practice.country} → {checklist.country.upper()}"
        for key in ("legal", "financing"):
            checklist.state(key).flag = reason
        target_language = national_language(checklist.country)
        if practice.language and target_language and practice.language != target_language:
            state = checklist.state("language")
            state.flag = f"{practice.language} → {target_language}"
    source = city_population(practice.city, practice.country)
    target = checklist.population or city_population(checklist.city, checklist.country)
    if source and target and max(source, target) / min(source, target) > SIZE_FACTOR:
        checklist.state("physical").flag = f"{source:,} → {target:,}".replace(",", " ")


# What a flag asks the user to check, in the checklist's language: {source} and {target} are the two countries,
# languages or populations of the flag ("PL → UA", "pl → uk", "120 000 → 15 000").
FLAG_TEXTS = {
    "legal": _t("The practice comes from {source}; the target city is in {target}. Check which law it rests on "
                "and what the law of {target} allows.",
                "Praktyka pochodzi z kraju: {source}; miasto docelowe leży w kraju: {target}. Sprawdź, na jakim "
                "prawie się opiera i na co pozwala prawo kraju: {target}.",
                "Практика походить з країни: {source}; цільове місто — в країні: {target}. Перевірте, на якому "
                "законі вона ґрунтується і що дозволяє право країни: {target}."),
    "financing": _t("The practice was financed in {source}; the target city is in {target}. Check which funds "
                    "paid for it and which are open to cities in {target}.",
                    "Praktykę finansowano w kraju: {source}; miasto docelowe leży w kraju: {target}. Sprawdź, "
                    "jakie środki ją opłaciły i które są dostępne dla miast w kraju: {target}.",
                    "Практику фінансували в країні: {source}; цільове місто — в країні: {target}. Перевірте, "
                    "які кошти її оплатили і які доступні містам у країні: {target}."),
    "language": _t("The practice's materials are in {source}; the target city works in {target}. Plan the "
                   "translation of its documents and of your talks with its owner.",
                   "Materiały praktyki są w języku: {source}; miasto docelowe pracuje w języku: {target}. "
                   "Zaplanuj tłumaczenie dokumentów i rozmów z autorami.",
                   "Матеріали практики мовою: {source}; цільове місто працює мовою: {target}. Заплануйте "
                   "переклад документів і розмов з авторами."),
    "physical": _t("The practice's city has {source} residents, the target city {target}. Check that its scale "
                   "(budget, staff, sites, partners) fits a city of this size.",
                   "Miasto praktyki ma {source} mieszkańców, miasto docelowe {target}. Sprawdź, czy jej skala "
                   "(budżet, ludzie, miejsca, partnerzy) pasuje do miasta tej wielkości.",
                   "Місто практики має {source} мешканців, цільове місто — {target}. Перевірте, чи її масштаб "
                   "(бюджет, люди, місця, партнери) пасує місту такого розміру."),
}


def flag_text(key: str, flag: str, lang: str) -> str:
    """What an item's flag asks the user to check, in the checklist's language (the bare flag when its item
    has no text)."""
    from babel import Locale

    from .places import country_name

    texts = FLAG_TEXTS.get(key)
    source, _, target = flag.partition(" → ")
    if texts is None or not target:
        return flag
    if key in ("legal", "financing"):
        source, target = country_name(source, lang), country_name(target, lang)
    elif key == "language":
        names = Locale.parse(lang).languages
        source, target = names.get(source, source), names.get(target, target)
    return texts.get(lang, texts["en"]).format(source=source, target=target)


def _token(size: int) -> str:
    """A random URL-safe key that never starts with '-' (a command line would read it as an option)."""
    while True:
        token = secrets.token_urlsafe(size)
        if not token.startswith("-"):
            return token


def as_bool(value) -> bool:
    """True for true, 1, "on", "yes", "true"; False for false, "false", "0", "off", "" and None."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def orphan(checklist: Checklist) -> Practice:
    """A stand-in for a practice that a re-ingest removed: its title as the checklist remembers it."""
    from .models import SourceRef

    return Practice(id=checklist.practice_id, title=checklist.practice_title or checklist.practice_id, body="",
                    language="", source=SourceRef("", ""))


MAX_POPULATION = 40_000_000  # larger than any city


def new_checklist(practice: Practice, city: str, country: str = "", population: int = 0, department: str = "",
                  lang: str = "en") -> Checklist:
    if not city.strip():
        raise ValueError("name the target city")
    if lang not in LANGUAGES:
        raise ValueError(f"the checklist template is in {', '.join(LANGUAGES)}, not {lang!r}")
    try:
        population = int(population or 0)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError("population is a whole number") from exc
    if not 0 <= population <= MAX_POPULATION:
        raise ValueError(f"population is a whole number from 0 to {MAX_POPULATION:,}")
    stamp = now_iso()
    checklist = Checklist(
        id=_token(12), practice_id=practice.id, city=clean_text(city.strip())[:200],
        country=country.strip().upper()[:2], population=population, department=clean_text(department.strip())[:300],
        lang=lang, share_token=_token(16), practice_title=practice.title, created_at=stamp, updated_at=stamp,
    )
    compare(checklist, practice)
    if checklist.department:  # the department typed at the start owns the transfer
        checklist.state("owner").owner = checklist.department
    return checklist


def update_item(checklist: Checklist, key: str, **values) -> None:
    """Set an item's status, note, owner, due date or core mark; unknown items and values are refused."""
    item = ITEMS.get(key)
    if item is None:
        raise ValueError(f"no checklist item {key!r}")
    state = checklist.state(key)
    allowed = CONTEXT_STATUSES if item.kind == "context" else TASK_STATUSES
    for name, value in values.items():
        if value is None:
            continue
        if name == "status":
            if value not in allowed and value != "":
                raise ValueError(f"status of {key} is one of {', '.join(allowed)}")
            state.status = value
        elif name == "core":
            state.core = as_bool(value)
        elif name == "due":
            if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError("a due date is YYYY-MM-DD")
            state.due = value
        elif name in ("note", "owner"):
            setattr(state, name, clean_text(str(value))[:4000])
        else:
            raise ValueError(f"an item has no {name!r}")
    checklist.updated_at = now_iso()
