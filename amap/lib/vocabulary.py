"""A group's own words: "part de récolte" for "panier", "créneau bénévole" for "permanence", "association" for "AMAP".

Three terms of the domain may be renamed by a group. A choice is a key (`harvest_share`) that has its
words in every language, so one setting serves French, English, Spanish and Portuguese readers. The
replacement runs on translated text (amap.lib.i18n), before the values are put in: a member's or a
group's name is never touched. The words around the noun that agree with it are rewritten too
("le panier" → "la part de récolte", "du panier proposé" → "de la part de récolte proposée"); other
agreements further away in a sentence are not.

Which group's words a text gets: the reader's own group's (set with the language for each request),
on a page about one group that group's (the function that loads it calls `i18n.set_vocabulary`),
in a mail about a group that group's (amap.notifications.outbox), in a calendar feed its owner's group's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

TERMS = ("share", "shift", "group")
"""What a group may rename: the share members collect, the volunteer shift, the group itself."""

VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÉÈÊÎÔÛ")


@dataclass(frozen=True)
class Noun:
    singular: str
    plural: str
    gender: str = "m"  # "m" or "f"; English words are all "m", which agrees with "a"/"an" alike
    not_before: str = ""  # a regex: not the term when followed by it (English "to share the deliveries")

    @property
    def vowel(self) -> bool:
        """Takes "l'" in French, "an" in English."""
        return self.singular[:1] in VOWELS

    def form(self, number: str) -> str:
        return self.plural if number == "pl" else self.singular


# The catalogs' own words for each term, the usual one first (it names the default in the settings).
SOURCES: dict[str, dict[str, tuple[Noun, ...]]] = {
    "fr": {"share": (Noun("panier", "paniers"),), "shift": (Noun("permanence", "permanences", "f"),),
           "group": (Noun("AMAP", "AMAP", "f"), Noun("groupe", "groupes"))},
    "en": {"share": (Noun("share", "shares", not_before=r" (?:its|the)\b"),), "shift": (Noun("shift", "shifts"),),
           "group": (Noun("AMAP", "AMAPs"), Noun("group", "groups"))},
    "es": {"share": (Noun("canasta", "canastas", "f"),), "shift": (Noun("turno", "turnos"),),
           "group": (Noun("grupo", "grupos"), Noun("AMAP", "AMAP", "f"))},
    "pt": {"share": (Noun("cesta", "cestas", "f"),), "shift": (Noun("turno", "turnos"),),
           "group": (Noun("grupo", "grupos"), Noun("AMAP", "AMAPs", "f"))},
}

# What a group may choose instead, with its words in each language (a language left out keeps its own).
ALTERNATIVES: dict[str, dict[str, dict[str, Noun]]] = {
    "share": {
        "harvest_share": {"fr": Noun("part de récolte", "parts de récolte", "f"),
                          "en": Noun("harvest share", "harvest shares"),
                          "es": Noun("parte de la cosecha", "partes de la cosecha", "f"),
                          "pt": Noun("parte da colheita", "partes da colheita", "f")},
        "basket": {"fr": Noun("panier", "paniers"), "en": Noun("basket", "baskets"),
                   "es": Noun("cesta", "cestas", "f"), "pt": Noun("cabaz", "cabazes")},
    },
    "shift": {
        "volunteer_slot": {"fr": Noun("créneau bénévole", "créneaux bénévoles"),
                           "en": Noun("volunteer slot", "volunteer slots"),
                           "es": Noun("turno voluntario", "turnos voluntarios"),
                           "pt": Noun("turno voluntário", "turnos voluntários")},
        "slot": {"fr": Noun("créneau", "créneaux"), "en": Noun("slot", "slots")},
    },
    "group": {
        "group": {"fr": Noun("groupe", "groupes"), "en": Noun("group", "groups"),
                  "es": Noun("grupo", "grupos"), "pt": Noun("grupo", "grupos")},
        # Not "collectif": the French catalog calls the committee so.
        "association": {"fr": Noun("association", "associations", "f"), "en": Noun("association", "associations"),
                        "es": Noun("asociación", "asociaciones", "f"), "pt": Noun("associação", "associações", "f")},
        "csa": {"fr": Noun("AMAP", "AMAP", "f"), "en": Noun("CSA", "CSAs"),
                "es": Noun("grupo de consumo", "grupos de consumo"), "pt": Noun("CSA", "CSAs", "f")},
    },
}


@dataclass(frozen=True)
class Grammar:
    """The words that agree with a noun, per language, as "masculine|feminine" specs.

    Determiners: singular ones may add the forms before a vowel ("le|la|l'|l'"); a form ending in an
    apostrophe is written against the noun. Adjectives (before or after the noun): "m|f", or
    "m|f|m plural|f plural" when the plural is not the singular plus s, then the masculine form before
    a vowel if it has one ("nouveau|nouvelle|nouveaux|nouvelles|nouvel").
    """

    singular: tuple[str, ...] = ()
    plural: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    negation: str = ""  # may stand between the noun and an adjective after it: "paniers non retirés"


GRAMMAR: dict[str, Grammar] = {
    "fr": Grammar(
        singular=("le|la|l'|l'", "un|une", "du|de la|de l'|de l'", "au|à la|à l'|à l'", "ce|cette|cet|cette",
                  "de|de|d'|d'", "aucun|aucune", "mon|ma|mon|mon", "ton|ta|ton|ton", "son|sa|son|son",
                  "tout le|toute la|tout l'|toute l'", "chaque|chaque", "votre|votre", "notre|notre",
                  "leur|leur", "quel|quelle"),
        plural=("les|les", "des|des", "aux|aux", "ces|ces", "mes|mes", "tes|tes", "ses|ses", "nos|nos", "vos|vos",
                "leurs|leurs", "plusieurs|plusieurs", "quelques|quelques", "tous les|toutes les", "un des|une des",
                "aucun des|aucune des", "certains|certaines", "quels|quelles"),
        before=("même|même|mêmes|mêmes", "autre|autre|autres|autres", "seul|seule", "prochain|prochaine",
                "premier|première", "dernier|dernière", "nouveau|nouvelle|nouveaux|nouvelles|nouvel"),
        after=("proposé|proposée", "annoncé|annoncée", "récupéré|récupérée", "livré|livrée", "attendu|attendue",
               "manqué|manquée", "manquant|manquante", "dû|due|dus|dues", "entier|entière", "complet|complète",
               "réservé|réservée", "pris|prise|pris|prises", "desservi|desservie", "suivant|suivante",
               "prochain|prochaine", "offert|offerte", "reporté|reportée", "réduit|réduite", "couvert|couverte",
               "ouvert|ouverte", "actif|active|actifs|actives", "annulé|annulée", "inscrit|inscrite",
               "retiré|retirée"),
        negation="non",
    ),
    "en": Grammar(singular=("a|a|an|an",)),
    "es": Grammar(
        singular=("el|la", "un|una", "del|de la", "al|a la", "este|esta", "ese|esa", "aquel|aquella",
                  "ningún|ninguna", "algún|alguna", "nuestro|nuestra", "vuestro|vuestra", "todo el|toda la",
                  "cuánto|cuánta"),
        plural=("los|las", "unos|unas", "estos|estas", "esos|esas", "aquellos|aquellas", "nuestros|nuestras",
                "vuestros|vuestras", "todos los|todas las", "cuántos|cuántas", "varios|varias", "muchos|muchas",
                "algunos|algunas", "pocos|pocas"),
        before=("otro|otra", "mismo|misma", "nuevo|nueva", "próximo|próxima", "primer|primera|primeros|primeras",
                "último|última"),
        after=("ofrecido|ofrecida", "perdido|perdida", "anunciado|anunciada", "recogido|recogida",
               "esperado|esperada", "completo|completa", "entero|entera", "debido|debida", "próximo|próxima",
               "abastecido|abastecida", "reservado|reservada", "reducido|reducida", "tomado|tomada",
               "cubierto|cubierta", "abierto|abierta", "propuesto|propuesta", "entregado|entregada",
               "cancelado|cancelada", "retirado|retirada"),
        negation="no",
    ),
    "pt": Grammar(
        singular=("o|a", "um|uma", "do|da", "no|na", "ao|à", "pelo|pela", "dum|duma", "num|numa", "este|esta",
                  "esse|essa", "deste|desta", "neste|nesta", "desse|dessa", "nesse|nessa", "aquele|aquela",
                  "nenhum|nenhuma", "algum|alguma", "seu|sua", "meu|minha", "teu|tua", "nosso|nossa",
                  "todo o|toda a", "quanto|quanta"),
        plural=("os|as", "uns|umas", "dos|das", "nos|nas", "aos|às", "pelos|pelas", "estes|estas", "esses|essas",
                "destes|destas", "nestes|nestas", "desses|dessas", "seus|suas", "meus|minhas", "teus|tuas",
                "nossos|nossas", "todos os|todas as", "quantos|quantas", "vários|várias", "muitos|muitas",
                "alguns|algumas", "poucos|poucas"),
        before=("outro|outra", "mesmo|mesma", "novo|nova", "próximo|próxima", "primeiro|primeira", "último|última"),
        after=("oferecido|oferecida", "anunciado|anunciada", "recolhido|recolhida", "esperado|esperada",
               "completo|completa", "inteiro|inteira", "devido|devida", "próximo|próxima", "atendido|atendida",
               "reservado|reservada", "reduzido|reduzida", "perdido|perdida", "coberto|coberta", "aberto|aberta",
               "proposto|proposta", "feito|feita", "cancelado|cancelada", "retirado|retirada", "cumprido|cumprida"),
        negation="não",
    ),
}


# --- A group's choice, as stored in Group.vocabulary: "share=harvest_share group=association" -----------

def choices(term: str) -> tuple[str, ...]:
    """The keys a group may choose for a term (the default, "", aside)."""
    return tuple(ALTERNATIVES[term])


def parse(stored: str | None) -> dict[str, str]:
    """The stored choice as {term: key}; words no longer offered are dropped (their term reads as written)."""
    found: dict[str, str] = {}
    for part in (stored or "").split():
        term, _, key = part.partition("=")
        if term in ALTERNATIVES and key in ALTERNATIVES[term]:
            found[term] = key
    return found


def encode(chosen: Mapping[str, str]) -> str:
    """The stored form of a choice, in a fixed order, defaults left out ("" when every word is the default)."""
    return " ".join(f"{term}={chosen[term]}" for term in TERMS if chosen.get(term) in ALTERNATIVES[term])


def word(term: str, key: str, language: str) -> str:
    """A choice's word in a language ("" is the default: the catalog's usual word)."""
    noun = ALTERNATIVES[term][key].get(language) if key else None
    if noun is None:
        nouns = SOURCES.get(language, SOURCES["en"])[term]
        return nouns[0].singular
    return noun.singular


# --- Applying it --------------------------------------------------------------------------------------------

@lru_cache(maxsize=16384)  # texts are catalog messages: each is worked out once per language and choice
def apply(language: str, stored: str, text: str) -> str:
    """The text with the group's words; the same text when the group keeps the catalog's."""
    table = _table(language, stored)
    return text if table is None else table.replace(text)


@dataclass(frozen=True)
class _Agreement:
    forms: dict[tuple[str, str, bool], str]  # (gender, number, before a vowel) -> the form

    def form(self, gender: str, number: str, vowel: bool) -> str | None:
        """None for a number it has no form in ("de" before a plural: not one of its determiners)."""
        return self.forms.get((gender, number, vowel))


def _determiner(spec: str, number: str) -> _Agreement:
    parts = spec.split("|")
    m, f = parts[0], parts[1]
    mv, fv = (parts[2], parts[3]) if len(parts) == 4 else (m, f)
    forms = {("m", number, False): m, ("f", number, False): f, ("m", number, True): mv, ("f", number, True): fv}
    return _Agreement(forms)


def _adjective(spec: str) -> _Agreement:
    parts = spec.split("|")
    m, f = parts[0], parts[1]
    mp, fp = (parts[2], parts[3]) if len(parts) >= 4 else (m + "s", f + "s")
    mv = parts[4] if len(parts) == 5 else m
    forms = {("m", "sg", False): m, ("f", "sg", False): f, ("m", "sg", True): mv, ("f", "sg", True): f,
             ("m", "pl", False): mp, ("f", "pl", False): fp, ("m", "pl", True): mp, ("f", "pl", True): fp}
    return _Agreement(forms)


def _key(text: str) -> str:
    """How a matched word is looked up: its first letter lowered ("Le" and "le", "AMAP" and "aMAP" alike)."""
    return text[:1].lower() + text[1:]


def _variants(form: str) -> set[str]:
    return {form, form[:1].upper() + form[1:]}


def _separated(form: str) -> str:
    return form if form.endswith("'") else form + " "


def _alternation(forms: Iterable[str], suffix: str = "") -> str:
    """A regex alternative of the forms, longest first so "de la" wins over "de"."""
    written = sorted({variant for form in forms for variant in _variants(form)}, key=len, reverse=True)
    return "|".join(re.escape(form) + suffix for form in written)


# Not inside a word, an address or a placeholder: "%(group)s", "{group}", "/groups/", "panier-récolte".
_START = r"(?<![\w/{-])(?<!%\()"
_END = r"(?![\w/}-])"


class _Table:
    """One language's replacements for one group's choice, compiled once."""

    def __init__(self, language: str, chosen: dict[str, str]) -> None:
        grammar = GRAMMAR.get(language, Grammar())
        # Each written form of a replaced noun -> (source, target, number); the number is None for a noun
        # written alike in both ("les AMAP"): its determiner tells, else it is singular.
        self.nouns: dict[str, tuple[Noun, Noun, str | None]] = {}
        patterns = []
        for term, key in chosen.items():
            target = ALTERNATIVES[term][key].get(language)
            for source in SOURCES[language][term] if target else ():
                if source == target:
                    continue
                for number in ("sg", "pl"):
                    alike = source.singular == source.plural
                    self.nouns[_key(source.form(number))] = (source, target, None if alike else number)
                    suffix = f"(?!{source.not_before})" if source.not_before else ""
                    patterns.extend(re.escape(v) + suffix for v in _variants(source.form(number)))
        self.regex: re.Pattern[str] | None = None
        if not self.nouns:
            return
        self.determiners: dict[str, tuple[_Agreement, str]] = {}
        for number, specs in (("sg", grammar.singular), ("pl", grammar.plural)):
            for spec in specs:
                agreement = _determiner(spec, number)
                self.determiners.update(dict.fromkeys(agreement.forms.values(), (agreement, number)))
        self.before = {form: agreement for agreement in map(_adjective, grammar.before)
                       for form in agreement.forms.values()}
        self.after = {form: agreement for agreement in map(_adjective, grammar.after)
                      for form in agreement.forms.values()}
        determiners = _alternation({_separated(form) for form in self.determiners})
        nouns = "|".join(sorted(set(patterns), key=len, reverse=True))
        self.regex = re.compile(
            rf"{_START}(?P<det>{determiners or '(?!)'})?(?P<adj>{_alternation(self.before, ' ') or '(?!)'})?"
            rf"(?P<noun>{nouns}){_END}"
            rf"(?: (?P<negation>{re.escape(grammar.negation) + ' ' if grammar.negation else '(?!)'})?"
            rf"(?P<post>{_alternation(self.after) or '(?!)'}){_END})?"
        )

    def replace(self, text: str) -> str:
        return text if self.regex is None else self.regex.sub(self._one, text)

    def _one(self, match: re.Match[str]) -> str:
        source, target, number = self.nouns[_key(match["noun"])]
        det = match["det"].rstrip(" ") if match["det"] else ""
        adj = match["adj"].rstrip(" ") if match["adj"] else ""
        post = match["post"] or ""
        if number is None:
            number = self.determiners[_key(det)][1] if det else "sg"
        noun = target.form(number)
        if post:
            post = " " + (match["negation"] or "") + _agreed(self.after[_key(post)], post, source, target, number)
        if adj:
            adj = _agreed(self.before[_key(adj)], adj, source, target, number, before_noun=True) + " "
        if det:
            agreement = self.determiners[_key(det)][0]
            vowels = ((adj or match["noun"])[:1] in VOWELS, (adj or noun)[:1] in VOWELS)
            if agreement.form(source.gender, number, vowels[0]) == _key(det):
                det = agreement.form(target.gender, number, vowels[1]) or det
            det = _separated(det)
        return _cased(det + adj + noun + post, match, source)


def _agreed(agreement: _Agreement, written: str, source: Noun, target: Noun, number: str, *,
            before_noun: bool = False) -> str:
    """The word for the new noun when it agreed with the old one; as written otherwise (it belonged
    to another word: "la part du panier livrée")."""
    if agreement.form(source.gender, number, before_noun and source.vowel) != _key(written):
        return written
    return agreement.form(target.gender, number, before_noun and target.vowel) or written


def _cased(replaced: str, match: re.Match[str], source: Noun) -> str:
    """A capital where the text had one, except that "AMAP" (always written so) only gives one at the
    start of a sentence."""
    if not match[0][:1].isupper():
        return replaced
    if not (match["det"] or match["adj"]) and source.singular[:1].isupper():
        before = match.string[:match.start()].rstrip()
        if before and before[-1] not in ".!?":
            return replaced
    return replaced[:1].upper() + replaced[1:]


@cache
def _table(language: str, stored: str) -> _Table | None:
    if language not in SOURCES:
        return None
    table = _Table(language, parse(stored))
    return table if table.regex is not None else None

