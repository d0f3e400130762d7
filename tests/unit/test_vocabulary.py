"""A group's own words swapped into translated text: forms, agreement, capitals and what is never touched."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from amap.lib import vocabulary
from amap.lib.i18n import LOCALE_DIR, gettext, ngettext, using_language, using_vocabulary
from amap.lib.vocabulary import ALTERNATIVES, GRAMMAR, SOURCES, TERMS, apply, encode, parse

OURS = "share=harvest_share shift=volunteer_slot"


@pytest.mark.parametrize(("text", "expected"), [
    ("le panier", "la part de récolte"),
    ("Le panier est prêt.", "La part de récolte est prêt."),  # agreement further away is not followed
    ("Panier", "Part de récolte"),
    ("paniers", "parts de récolte"),
    ("Les paniers annoncés", "Les parts de récolte annoncées"),
    ("un panier, du panier, au panier, ce panier", "une part de récolte, de la part de récolte, "
                                                     "à la part de récolte, cette part de récolte"),
    ("Aucun panier à récupérer", "Aucune part de récolte à récupérer"),
    ("le prochain panier proposé", "la prochaine part de récolte proposée"),
    ("un des paniers", "une des parts de récolte"),
    ("type de panier", "type de part de récolte"),
    ("votre panier, vos paniers", "votre part de récolte, vos parts de récolte"),
    ("À la permanence", "Au créneau bénévole"),
    ("de la permanence, cette permanence", "du créneau bénévole, ce créneau bénévole"),
    ("Mes permanences manquées", "Mes créneaux bénévoles manqués"),
    ("les permanences dues", "les créneaux bénévoles dus"),
    ("Paniers non retirés", "Parts de récolte non retirées"),
])
def test_french_words_and_the_words_agreeing_with_them_change(text, expected):
    assert apply("fr", OURS, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("la part du panier livrée", "la part de la part de récolte livrée"),  # "livrée" agrees with "part"
    ("Demi-panier", "Demi-panier"),
    ("panier-récolte", "panier-récolte"),
    ("apaniers, paniersbio", "apaniers, paniersbio"),
    ("%(panier)s et {panier} et /panier/12", "%(panier)s et {panier} et /panier/12"),
    ("permanente", "permanente"),
])
def test_nothing_inside_another_word_a_placeholder_or_an_address_changes(text, expected):
    assert apply("fr", OURS, text) == expected


@pytest.mark.parametrize(("stored", "text", "expected"), [
    ("group=group", "l'AMAP, de l'AMAP, à l'AMAP, cette AMAP", "le groupe, du groupe, au groupe, ce groupe"),
    ("group=group", "dans les AMAP", "dans les groupes"),  # one form for both numbers: the article tells
    ("group=group", "AMAP : %(name)s. AMAP", "Groupe : %(name)s. Groupe"),  # a capital at a sentence's start
    ("group=group", "votre AMAP", "votre groupe"),  # "AMAP" is always capitalised: no capital mid-sentence
    ("group=association", "le groupe, du groupe, un nouveau groupe", "l'association, de l'association, "
                                                                     "une nouvelle association"),
    ("group=association", "tous les groupes desservis, type de groupe", "toutes les associations desservies, "
                                                                         "type d'association"),
])
def test_elision_and_the_group_in_french(stored, text, expected):
    assert apply("fr", stored, text) == expected


@pytest.mark.parametrize(("stored", "text", "expected"), [
    ("group=group", "Ask your AMAP, an AMAP or the AMAPs.", "Ask your group, a group or the groups."),
    ("group=csa", "Join a group. Groups", "Join a CSA. CSAs"),
    ("group=association", "Join a group or an AMAP.", "Join an association or an association."),
    ("share=harvest_share", "This share is yours; %(num)s shares", "This harvest share is yours; %(num)s harvest shares"),
    ("share=harvest_share", "Two households share the deliveries.", "Two households share the deliveries."),
    ("share=basket", "Share", "Basket"),
    ("shift=volunteer_slot", "Take a shift with one click.", "Take a volunteer slot with one click."),
])
def test_english_words_articles_and_the_verb_to_share(stored, text, expected):
    assert apply("en", stored, text) == expected


@pytest.mark.parametrize(("language", "text", "expected"), [
    ("es", "La canasta del grupo", "La parte de la cosecha de la asociación"),
    ("es", "todas las canastas esperadas, el turno perdido", "todas las partes de la cosecha esperadas, "
                                                              "el turno voluntario perdido"),
    ("es", "ningún grupo", "ninguna asociación"),
    ("pt", "o grupo, do grupo, nenhum grupo", "a associação, da associação, nenhuma associação"),
    ("pt", "a cesta oferecida, das cestas", "a parte da colheita oferecida, das partes da colheita"),
    ("pt", "cestas não retiradas", "partes da colheita não retiradas"),
])
def test_spanish_and_portuguese_articles_follow_the_new_word(language, text, expected):
    assert apply(language, OURS + " group=association", text) == expected


def test_a_word_the_same_as_the_catalogs_changes_nothing_else():
    assert apply("fr", "group=group", "le groupe, un groupe") == "le groupe, un groupe"
    assert apply("fr", "share=basket", "le panier") == "le panier"
    assert vocabulary._table("fr", "share=basket") is None  # nothing to replace: no regex at all


def test_the_stored_choice_is_read_leniently_and_written_in_one_order():
    assert parse("shift=volunteer_slot share=harvest_share group=druids colour=blue") == {
        "shift": "volunteer_slot", "share": "harvest_share"}
    assert encode({"shift": "volunteer_slot", "share": "harvest_share", "group": ""}) == OURS
    assert encode({}) == "" and parse("") == {} and parse(None) == {}


def test_translations_take_the_groups_words_before_the_values_are_put_in():
    with using_language("fr"), using_vocabulary(OURS):
        assert gettext("This week's share") == "La part de récolte de la semaine"
        assert gettext("This week's share from %(farm)s, %(date)s", farm="Les paniers de Jo", date="jeudi") == (
            "La part de récolte de la semaine : Les paniers de Jo, jeudi")
        assert ngettext("%(num)s share", "%(num)s shares", 2) == "2 parts de récolte"
    with using_language("fr"):
        assert gettext("This week's share") == "Le panier de la semaine"


def test_without_a_group_vocabulary_no_replacement_runs():
    before = apply.cache_info()
    with using_language("fr"):
        gettext("This week's share")
        ngettext("%(num)s share", "%(num)s shares", 2)
    assert apply.cache_info() == before


def test_each_agreeing_word_belongs_to_one_set_of_forms():
    """A form in two sets would make the agreement ambiguous ("de" is not "de la")."""
    for language, grammar in GRAMMAR.items():
        for specs in (grammar.singular + grammar.plural, grammar.before, grammar.after):
            owner: dict[str, str] = {}
            for spec in specs:
                for form in set(spec.split("|")):
                    assert owner.setdefault(form, spec) == spec, (language, form, spec, owner[form])


def test_every_choice_keeps_every_catalog_messages_placeholders_and_markup():
    for language in SOURCES:
        with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        texts = []
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            texts.extend(text for text in (strings if language != "en" else ids) if text)
        every_one = [f"{term}={key}" for term in TERMS for key in ALTERNATIVES[term]]
        for stored in [*every_one, encode({term: next(iter(keys)) for term, keys in ALTERNATIVES.items()})]:
            for text in texts:
                replaced = apply(language, stored, text)
                assert re.findall(r"%\(\w+\)\w|<[^>]*>|\{\w+\}", replaced) == re.findall(
                    r"%\(\w+\)\w|<[^>]*>|\{\w+\}", text), (language, stored, text, replaced)
