"""Is it a practice? A record found in a document must describe an initiative of some place: a law's
articles, a consultation report, a technical survey or an event announcement is not one, and a document
that holds only such text is stored as a document without practices.

The evidence is what a reader looks for: a named place, words that say something was done or planned
("launched", "wdrożono", "запровадили", "programme", "residents"), and none of the marks of a legal text
("Art. 5 ust. 2", "§ 3", "стаття 12") or an announcement ("registration", "zgłoszenia", "реєстрація").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb.models import Practice

# Stems that say an initiative was carried out or is planned, or name the people and bodies that do it.
_INITIATIVE = re.compile(
    r"(?i)\b(?:implement|launch|introduc|pilot|project|initiativ|programme|program|scheme|residents|citizens|"
    r"inhabitants|municipal|council|city|cities|neighbourhood|neighborhood|community|communities|renovat|built|opened|"
    r"miast|wdro[żz]|realizow|zrealiz|uruchom|wprowadz|projekt|inicjatyw|mieszka[ńn]c|gmin|samorz[aą]d|"
    r"rewitaliz|zbudow|otwar|remont|впровад|реаліз|запуст|запровад|проєкт|проект|ініціатив|програм|"
    r"мешкан|жител|громад|міськ|місто|міста|місті|селищ|відкрил|збудува|облаштува|відремонт)\w*")
# More words of what was done, and by whom, as news items say it: "completed", "powstał", "висадили", "the mayor".
_DONE = re.compile(
    r"(?i)\b(?:complet(?:ed|ion)\b|creat(?:ed|ing)\b|establish(?:ed|ing)\b|install(?:ed|ing|ation)|"
    r"plant(?:ed|ing)\b|restor(?:ed|ing|ation)|reconstruct|rebuil|refurbish|retrofit|regenerat|transform(?:ed|ing)\b|"
    r"volunteer|powsta[łl]|stworz|utworz|zainstalow|posadzi|odnowi|przebudow|zmodernizow|modernizacj|rozpocz[ęe]|"
    r"zako[ńn]czon|zorganizow|wybudow|zakupi|kupi[łl]|wolontariu|purchased|bought|renowac|почал[иао]|розпочал|"
    r"створил|створен|встановил|відновил|відновлен|реставр|реконструйова|реконструкці|висадил|організува|"
    r"модернізува|модернізаці|оновил|будівництв|придба|закупил|волонтер)\w*"
    # a city's own head: "prezydent miasta", "mówi prezydent Grzegorz Mackiewicz", "burmistrz", "міський голова"
    r"|\b(?:prezydent\w* (?:miasta|[A-ZŁŚŻ]\w+ [A-ZŁŚŻ]\w+)|burmistrz\w*|w[óo]jt(?:a|em|owi)?\b|the mayor|"
    r"міськ\w* голов\w*)")
# Marks of a legal text: articles, paragraphs, journals of laws, directives.
_LEGAL = re.compile(
    r"(?i)(?:\bart\.\s*\d|§\s*\d|\bust\.\s*\d|\bpkt\s*\d|\bdz\.\s*u\.|\bdziennik ustaw|\bстат(?:тя|ті|тею)\s+\d|"
    r"\bст\.\s*\d|\bпункт\w*\s+\d|\bч\.\s*\d|\barticle\s+\d|\bparagraph\s+\d|\bregulation\s*\(e[uc]\)|"
    r"\bdirective\s+\d|\brozporz[aą]dzeni|\bustaw[aąyie]\b|\bзакон\w*\s+україни|\bпостанов\w*\s+кабінет)")
# An announcement of an event to come ("W listopadzie w Kielcach odbędzie się Kongres…"): the opening says
# an event will take place, or invites to register.
_ANNOUNCEMENT = re.compile(
    r"(?i)\b(?:register now|registration is open|apply by|zapisy|rejestracja|zapraszamy|odbędzie się|odbędą się|"
    r"реєстрацію відкрито|запрошуємо|відбудеться|відбудуться|will take place|will be held|join us)\b")
# A document whose opening names its kind as one that describes no practice: a statute or rules, terms of use,
# a privacy policy, a form, template or specification, a technical report, an event's programme or agenda,
# minutes, a cost estimate, financial statements. The kind is a line of its own ("REGULAMIN STOWARZYSZENIA",
# "Program konferencji", "ТЕХНІЧНИЙ ЗВІТ"), not a word inside a sentence ("zgodnie z regulaminem").
_KINDS = (
    r"regulamin|statut|statute|bylaws|terms of (?:use|service)|terms and conditions|privacy policy|"
    r"code of (?:conduct|\w+ practices?)|polityka prywatności|warunki korzystania|статут|регламент|"
    r"умови використання|політика конфіденційності|"
    r"(?:application|registration|complaint) form|formularz|wzór|szablon|template|specyfikacj\w*|specification|"
    r"(?:technical|functional) (?:specification|requirements)|технічн\w* (?:звіт|завдання|умови)|"
    r"форма (?:заяви|звернення)|заява|skarga|wniosek o|"
    r"minutes of|protokół (?:z|nr)|протокол (?:засідання|№)|kosztorys\w*|кошторис\w*|cost estimate|"
    r"list of (?:decisions|resolutions)|wykaz uchwał|перелік (?:рішень|питань)|рішення сесії|"
    r"financial statements?|sprawozdanie finansowe|фінансов\w* (?:звіт|звітність)|"
    # the same kinds in German, as partners' documents come
    r"satzung|geschäftsordnung|datenschutzerklärung|nutzungsbedingungen|jahresabschluss|bilanz|protokoll")
# An event's programme or agenda: a document of its own, or the first page of a workshop's summary whose later
# pages present practices.
_PROGRAMMES = (
    r"program(?:me)? (?:of the )?(?:konferencji|seminarium|warsztatów|spotkania|conference|seminar|workshop|event)|"
    r"(?:conference|workshop|seminar) (?:programme|program|agenda)|agenda|порядок денний|tagesordnung|"
    r"програма (?:конференції|семінару|форуму|заходу|тренінгу)")


def _kind_line(kinds: str) -> re.Pattern:
    """A line of its own that names one of these kinds (and at most a few words more)."""
    return re.compile(rf"(?im)^\W*(?:{kinds})\b[^\n]{{0,80}}$")


_GENRE = _kind_line(f"{_KINDS}|{_PROGRAMMES}")
_DOCUMENT_KIND = _kind_line(_KINDS)
GENRE_LEAD = 400  # characters of a record's or a document's opening where it names its kind
EVENTS = (r"kongres\w*|konferencj\w*|forum|seminar\w*|webinar\w*|warsztat\w*|conference|congress|workshop\w*|"
          r"конференц\w*|форум\w*|семінар\w*")  # kinds of event, in PL/UK/EN (the report splitter's too)
_EVENT = re.compile(rf"(?i)\b(?:{EVENTS}|szkoleni\w*|summit|festival|festiwal\w*|вебінар\w*|конгрес\w*|тренінг\w*|"
                    r"фестивал\w*)")
LEAD = 300  # characters: where an announcement says what it announces


# Marks of a form or a template to fill in: blanks, boxes, "signature", "name and surname".
_FORM = re.compile(
    r"(?i)_{4,}|\.{6,}(?!\s*\d)|…{3,}|[☐□■▢]|\[\s\]|\b(?:signature|name and surname|date of birth|"
    r"imię i nazwisko|podpis|czytelny podpis|pieczęć|pieczątka|data i podpis|підпис|прізвище|ім'я та по батькові|п\.\s*і\.\s*б)\b")
# A questionnaire or a template to fill in: questions, each followed by the place for its answer ("What roles
# did the city leaders play? Answer", "…? ____"). A sheet's question headings ("What was done?") are not.
_QUESTION = re.compile(r"(?i)\?\s*(?:answer|image|odpowied[źz]|відповідь|\[[^\]]{0,40}\]|_{3,}|\.{4,}|…)")
# Prescriptions of a manual, a procedure, terms of use or a specification.
_PRESCRIPTIVE = re.compile(
    r"(?i)\b(?:shall|must|is required to|are required to|należy|powinien|powinna|powinno|powinny|musi|muszą|"
    r"wykonawc\w+|zamawiając\w+|dostawc\w+|użytkownik\w*|повинен|повинна|повинні|зобов'язан\w*|"
    r"користувач\w*|забороняється)\b")
# A vacancy notice, a personal-data clause (GDPR/RODO), a website's terms of use or financial statements:
# not a practice, whatever place it names.
_NOTICE = re.compile(
    r"(?i)\b(?:we are looking for|job description|vacancy|curriculum vitae|cv|personal data|data controller|gdpr|"
    r"poszukujemy|oferujemy|wymagania|rekrutacj\w*|wynagrodzeni\w*|dan\w* osobow\w*|administrator\w* danych|rodo|"
    r"шукаємо|вакансі\w*|резюме|персональн\w* дан\w*|заробітн\w* плат\w*|"
    r"terms of use|terms and conditions|warrant(?:y|ies)|intellectual property|trademarks?|privacy policy|"
    r"warunk\w* korzystania|własnoś\w* intelektualn\w*|znak\w* towarow\w*|polityk\w* prywatności|"
    r"умов\w* використання|загальн\w* умов\w*|конфіденційн\w*|інтелектуальн\w* власн\w*|товарн\w* знак\w*|"
    r"balance sheet|income statement|profit and loss|sprawozdani\w* finansow\w*|rachun\w* zysków|"
    r"фінансов\w* звітн\w*|чист\w* прибут\w*)\b")



@dataclass(frozen=True, slots=True)
class Evidence:
    """What a record shows of being a practice, per 100 words where it is a count."""

    words: int
    initiative_words: int  # words that say something was done or planned, or by whom
    legal: float  # article and paragraph references, names of laws
    announcement: bool  # the opening announces an event to come
    place: bool  # a city was found
    form: float = 0.0  # blanks, boxes and "signature" lines
    prescriptive: float = 0.0  # "shall", "należy", "the contractor", "користувач"
    notice: float = 0.0  # a vacancy's or a data clause's words
    genre: bool = False  # its opening names a kind of document that holds no practice (a statute, a form…)
    table: float = 0.0  # the share of its words in table rows (a list of projects, a budget, a schedule)
    questions: float = 0.0  # questions asked (a questionnaire, a template)
    listed: bool = False  # a row of a table whose columns name initiatives or practices
    done_words: int = 0  # more words of what was done, as news items say it ("completed", "powstał", "висадили")
    alone: bool = False  # the only record of its document (a news item, a sheet), not a section of a longer one

    @property
    def initiative(self) -> float:
        """Words that say something was done or planned, per 100 words."""
        return self.initiative_words * 100 / self.words

    @property
    def is_practice(self) -> bool:
        if self.legal >= LEGAL_LIMIT or self.announcement or self.form >= FORM_LIMIT or self.genre:
            return False
        if self.prescriptive >= PRESCRIPTIVE_LIMIT or self.notice >= NOTICE_LIMIT:
            return False
        if self.table >= MAX_TABLE:
            return False  # a table that is not one practice a row (those are split at segmentation)
        if self.questions >= QUESTION_LIMIT:
            return False
        # Without a named place, words that say what was done: at a rate, and more than one; or, in a news item
        # or sheet that is its document's only record, more than one in a wider vocabulary: such an item about a
        # practice need not name a city the gazetteer knows ("na Chernihivshchyni", "Luxembourg").
        news_item = self.alone and self.words <= MAX_NEWS_WORDS
        return (self.place or self.listed or (self.initiative >= MIN_INITIATIVE and self.initiative_words >= 2)
                or (news_item and self.initiative_words + self.done_words >= 2))


LEGAL_LIMIT = 1.0  # legal references per 100 words: a law, its justification or a legal opinion
MIN_INITIATIVE = 1.5  # without a named place, words that say what was done (per 100 words)
MAX_NEWS_WORDS = 400  # a news item or a sheet about one practice, the whole of its document
FORM_LIMIT = 1.0
PRESCRIPTIVE_LIMIT = 1.0
NOTICE_LIMIT = 1.0
MAX_TABLE = 0.6
QUESTION_LIMIT = 2.0  # questions per 100 words
MIN_WORDS_FOR_RATES = 150
MIN_MARKS = 3


def evidence(practice: Practice, table_share: float = 0.0, listed: bool = False, alone: bool = False) -> Evidence:
    """`table_share`: the share of the record's words that its document set in table rows; `listed`: the
    record is a row of a table of practices (its document says it is one); `alone`: it is its document's only
    record."""
    text = f"{practice.title}\n{practice.body}"
    words = max(len(text.split()), 1)
    per_100 = 100 / max(words, MIN_WORDS_FOR_RATES)  # one word in a short text is not a density
    return Evidence(
        words=words,
        initiative_words=len(_INITIATIVE.findall(text)),
        done_words=len(_DONE.findall(text)),
        questions=len(_QUESTION.findall(text)) * per_100,
        legal=len(_LEGAL.findall(text)) * per_100,
        announcement=bool(_ANNOUNCEMENT.search(text[: len(practice.title) + LEAD])
                          and _EVENT.search(text[: len(practice.title) + LEAD])),
        place=bool(practice.city),
        genre=names_other_genre(text[: len(practice.title) + GENRE_LEAD]),
        form=len(_FORM.findall(text)) * per_100,
        prescriptive=_rate(len(_PRESCRIPTIVE.findall(text)), per_100),
        notice=len(_NOTICE.findall(text)) * per_100,
        table=table_share,
        listed=listed,
        alone=alone,
    )


def names_other_genre(opening: str, programmes: bool = True) -> bool:
    """True when a line of the opening names a kind of document that holds no practice ("Regulamin …");
    with `programmes` False, not for an event's programme (a whole document may go on past it)."""
    return bool((_GENRE if programmes else _DOCUMENT_KIND).search(opening))


def _rate(count: int, per_100: float) -> float:
    """Marks per 100 words, where there are enough of them to say anything: two words of a manual ("należy",
    "the contractor") occur in any news item."""
    return count * per_100 if count >= MIN_MARKS else 0.0


def is_practice(practice: Practice, table_share: float = 0.0, listed: bool = False, alone: bool = False) -> bool:
    return evidence(practice, table_share, listed, alone).is_practice
