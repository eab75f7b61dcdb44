"""One multilingual theme vocabulary (PL/UK/EN labels and word stems) and theme assignment."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .places import fold


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    labels: dict[str, str]  # language -> label
    # Word beginnings in any language (folded: lowercase, no diacritics); "_" joins words ("school_street"),
    # a final "=" asks for the whole word ("bus=" is not "business").
    stems: tuple[str, ...]


def _t(id_: str, en: str, pl: str, uk: str, stems: str) -> Theme:
    return Theme(id_, {"en": en, "pl": pl, "uk": uk}, tuple(fold(s) for s in stems.split()))


THEMES: tuple[Theme, ...] = (
    _t("housing", "Housing", "Mieszkalnictwo", "Житлова політика",
       "housing flat flats dwelling tenant rent apartment mieszkani mieszkal lokal_komunaln lokal_mieszk lokator najem "
       "najemc czynsz tbs sim homes rehous kamienic "
       "житл квартир оренд гуртожит помешкан осбб багатоквартирн"),
    _t("revitalisation", "Revitalisation and regeneration", "Rewitalizacja", "Ревіталізація",
       "revitali regenerat degraded rewitaliz zdegradow odnow elewac ревіталіз відродж занедбан"),
    _t("participation", "Participation and co-creation", "Partycypacja i współtworzenie", "Участь мешканців",
       "particip consultation co-creat co-design residents' citizen partycyp konsultac współdecyd mieszkańc "
       "obywatel budżet_obywatel участ консультац громадськ_бюджет мешканц залученн"),
    _t("green", "Urban gardens and green infrastructure", "Ogrody miejskie i zielona infrastruktura",
       "Міські городи та зелена інфраструктура",
       "garden allotment green_infrastructure trees greenery meadow ogród ogrod ogrodn zieleń zielen zielon drzew skwer "
       "łąk łąki kwietn "
       "город сад зелен дерев озелен"),
    _t("mobility", "Mobility", "Mobilność", "Мобільність",
       "mobility transport bus= buses buspas busway bicycl cycling traffic street_ school_street pedestrian mobiln komunikac autobus "
       "rower ruch_ pieszy транспорт мобільн велосипед автобус пішохід проїзд"),
    _t("climate", "Climate adaptation", "Adaptacja do zmian klimatu", "Адаптація до змін клімату",
       "climate rainwater stormwater storm_water flood heat retention drought klimat deszcz retenc powódź upał susz клімат дощов "
       "затоплен спек"),
    _t("energy", "Energy", "Energia", "Енергетика",
       "energy retrofit insulation heating solar energ termomoderniz ocieplen ogrzew fotowolt ubóstwo_energet "
       "енерг термомодерніз утеплен опален сонячн"),
    _t("social", "Social policy and inclusion", "Polityka społeczna i włączenie", "Соціальна політика та інклюзія",
       "social inclusion elderly senior poverty disab homeless gender equalit shelter społeczn wykluczen senior "
       "ubóst niepełnospr schronisk równość "
       "соціальн інклюз літні бідн інвалідн притул ґендер"),
    _t("temporary-use", "Temporary use", "Tymczasowe użytkowanie", "Тимчасове використання",
       "temporary_use meanwhile vacant empty_shop pop-up tymczasow pustostan pust_lokal тимчасов порожн"),
    _t("building-reuse", "Building reuse", "Ponowne wykorzystanie budynków", "Повторне використання будівель",
       "reuse conversion converted adaptive_reuse former_ adaptac_budyn przebudow ponowne_wykorzyst dawnej dawnego "
       "перепрофіл пристосуван переобладнан колишн"),
    _t("public-space", "Public space", "Przestrzeń publiczna", "Громадський простір",
       "public_space square plaza placemaking courtyard schoolyard playground pedestrian_zone przestrzeń_publiczn przestrzen_publiczn "
       "plac_ podwór podwork boisk deptak майданчик громадськ_простір публічн_простір площ подвір двор"),
    _t("heritage", "Heritage", "Dziedzictwo", "Спадщина",
       "heritage historic monument listed_build dziedzictw zabyt zabytk historyczn спадщин пам'ятк історичн"),
    _t("migration", "Migration and integration", "Migracja i integracja", "Міграція та інтеграція",
       "migra refugee displaced integration idp uchodźc migrant przesiedl integrac впо переміщен біженц "
       "мігрант інтеграц переселен"),
    _t("local-economy", "Local and social economy", "Gospodarka lokalna i społeczna", "Місцева та соціальна економіка",
       "economy entrepreneur business shop jobs employment social_enterprise gospodar przedsiębior firm "
       "zatrudnien ekonomi_społeczn економік підприєм бізнес зайнят"),
    _t("governance", "Governance and services", "Zarządzanie i usługi publiczne", "Врядування та послуги",
       "governance public-private ppp inter-municipal cooperation capacity advisory commons pact zarządz "
       "współprac "
       "międzygmin doradcz mof jst врядуван управлінн співпрац партнерств спроможн"),
    _t("culture-youth", "Culture and youth", "Kultura i młodzież", "Культура та молодь",
       "culture cultural youth young art pupils teenager młodzież młodzi kultur sztuk uczni nastolat "
       "молод культур мистецт учн підлітк"),
    _t("recovery", "Post-war recovery", "Odbudowa powojenna", "Повоєнне відновлення",
       "reconstruction recovery war-damaged wartime odbud wojn відновлен відбудов війн воєнн зруйнован"),
)
BY_ID = {t.id: t for t in THEMES}


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for theme in THEMES:
        alternatives = "|".join(re.escape(s).replace("_", r"\w*\s+").replace("=", r"(?!\w)")
                                for s in sorted(theme.stems, key=len, reverse=True))
        out.append((theme.id, re.compile(rf"(?<!\w)(?:{alternatives})", re.UNICODE)))
    return out


def assign_themes(text: str, title: str = "", limit: int = 4) -> tuple[str, ...]:
    """Themes whose words the practice uses: title hits count triple; weak themes are left out."""
    counts: Counter[str] = Counter()
    body, head = fold(text), fold(title)
    words = max(len(body.split()), 1)
    for theme_id, pattern in _patterns():
        counts[theme_id] = len(pattern.findall(body)) + 3 * len(pattern.findall(head))
    if not counts or counts.most_common(1)[0][1] == 0:
        return ()
    top = counts.most_common(1)[0][1]
    threshold = max(2, top * 0.3, words / 250)
    chosen = [t for t, c in counts.most_common() if c >= threshold][:limit]
    return tuple(chosen or [counts.most_common(1)[0][0]])


def query_themes(query: str, limit: int = 3) -> tuple[str, ...]:
    """Themes a search query names: every theme one of its words belongs to, most named first. A query is
    a few words, so a single word decides (the thresholds of `assign_themes` are for whole texts)."""
    folded = fold(query)
    counts = Counter({theme_id: len(pattern.findall(folded)) for theme_id, pattern in _patterns()})
    return tuple(t for t, c in counts.most_common(limit) if c > 0)


def named_themes(text: str) -> tuple[str, ...]:
    """Themes a sheet names by label ('Tematy: Mieszkalnictwo, Rewitalizacja'), in any language, in order."""
    by_name = {fold(name): t.id for t in THEMES for name in (t.id, *t.labels.values())}
    found = []
    for part in re.split(r"[,;/|•\n]+", text):
        theme = by_name.get(fold(" ".join(part.split())))
        if theme and theme not in found:
            found.append(theme)
    return tuple(found)


def label(theme_id: str, language: str = "en") -> str:
    theme = BY_ID.get(theme_id)
    return theme.labels.get(language, theme.labels["en"]) if theme else theme_id
