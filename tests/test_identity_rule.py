"""The identity rule and office folding, without a database: who is one person, and who never."""

from __future__ import annotations

import datetime as dt

import pytest

from db.identity_rule import NameEvidence, display_name, fold_names, same_word, variant_kind
from db.names import name_key
from db.offices import Sighting, office_holder, office_key


def ev(name: str, countries: str = "", offices: tuple[str, ...] = (),
       documents: tuple[int, ...] = ()) -> NameEvidence:
    return NameEvidence(name_key(name), frozenset(countries.split()),
                        frozenset(o for t in offices if (o := office_key(t))),
                        frozenset(documents))


def together(*items: NameEvidence) -> bool:
    """Whether the rule folds all the given forms into one person."""
    groups = fold_names(items)
    return len(groups) == 1


FM = "Minister of Foreign Affairs"


@pytest.mark.parametrize(("a", "b"), [
    (ev("Sergey Lavrov", "RU", (FM,), (1,)), ev("Sergei Lavrov", "RU", ("Russian Foreign Minister",), (2,))),
    (ev("Seyed Abbas Araghchi", "IR", ("Iranian Foreign Minister",), (1,)),
     ev("Abbas Araghchi", "IR", ("Minister of Foreign Affairs of Iran",), (2,))),
    (ev("Antony J. Blinken", "US", ("Secretary",), (1,)),
     ev("Antony Blinken", "US", ("US Secretary of State",), (2,))),
    (ev("S. Jaishankar", "IN", ("External Affairs Minister",), (1,)),
     ev("Subrahmanyam Jaishankar", "IN", ("Minister of External Affairs of India",), (2,))),
    (ev("Ishaq Dar", "PK", (FM,), (1,)), ev("Mohammad Ishaq Dar", "PK", ("Foreign Minister",), (2,))),
    (ev("Maka Bochorishvili", "GE", (FM,), (1,)), ev("Maka Botchorishvili", "GE", (FM,), (2,))),
    (ev("Iwaya Takeshi", "JP", (FM,), (1,)), ev("Takeshi Iwaya", "JP", ("Japanese Foreign Minister",), (2,))),
    (ev("Mohammed bin Salman", "SA", ("Crown Prince",), (1,)),
     ev("Muhammad bin Salman", "SA", ("Crown Prince",), (2,))),
    # one word alone: in the same release as the full name, or the same country and office
    (ev("Eide", "", (), (7,)), ev("Espen Barth Eide", "NO", ("Foreign Minister",), (7,))),
    (ev("Antony", "US", (), (8,)), ev("Antony Blinken", "US", ("Secretary of State",), (8,))),  # given name alone
    (ev("A. J. Blinken", "US", ("Secretary",), (1,)),
     ev("Antony John Blinken", "US", ("Secretary of State",), (1,))),  # initials
    (ev("Motegi", "JP", ("Foreign Minister",), (3,)),
     ev("Toshimitsu Motegi", "JP", ("Minister for Foreign Affairs of Japan",), (4,))),
])
def test_variants_of_one_person_fold(a: NameEvidence, b: NameEvidence) -> None:
    assert together(a, b)
    assert together(b, a)


@pytest.mark.parametrize(("a", "b"), [
    # two different people of one country who share a surname
    (ev("Wang Yi", "CN", ("Foreign Minister",), (1,)),
     ev("Wang Wenbin", "CN", ("Foreign Ministry Spokesperson",), (1,))),
    (ev("Wang Yi", "CN", ("Foreign Minister",), (1,)), ev("Wang Yu", "CN", ("Foreign Minister",), (1,))),
    (ev("Hillary Clinton", "US", ("Secretary of State",), (1,)),
     ev("Bill Clinton", "US", ("President",), (1,))),
    (ev("Maria Zakharova", "RU", ("Spokesperson",), (1,)), ev("Mario Zakharov", "RU", (), (1,))),
    (ev("Li Qiang", "CN", ("Premier",), (1,)), ev("Li Keqiang", "CN", ("Premier",), (1,))),
    # the same surname, different countries
    (ev("Kim", "KR", ("Foreign Minister",), (1,)), ev("Kim Song Nam", "KP", ("Foreign Minister",), (2,))),
    (ev("Kim", "KR", ("Minister",), (1,)), ev("Kim Yo Jong", "KP", ("Minister",), (2,))),
    (ev("Kim", "KR", ("Foreign Minister",), (1,)), ev("Kim Song Nam", "KP", ("Foreign Minister",), (1,))),
    (ev("Sergey Lavrov", "RU", (FM,), (1,)), ev("Sergei Lavrov", "BY", ("Ambassador",), (2,))),
    # no evidence at all: a spelling variant seen for no country and in no common release
    (ev("Sergey Lavrov", "", (), (1,)), ev("Sergei Lavrov", "", (), (2,))),
    # one word alone, no common release, only a bare "Minister" in common
    (ev("Balakrishnan", "SG", ("Minister",), (1,)),
     ev("Vivian Balakrishnan", "SG", ("Minister",), (2,))),
    # an initial that is not the given name's
    (ev("A. Smith", "GB", ("Ambassador",), (1,)), ev("Brian Smith", "GB", ("Ambassador",), (1,))),
])
def test_different_people_never_fold(a: NameEvidence, b: NameEvidence) -> None:
    assert not together(a, b)
    assert not together(b, a)


def test_an_ambiguous_short_form_joins_no_one() -> None:
    """"Minister Kim" of KR beside two Kims of KR who held that office: no merge at all."""
    kim = ev("Kim", "KR", ("Foreign Minister",), (1,))
    one = ev("Kim Sung-han", "KR", ("Minister of Foreign Affairs",), (2,))
    two = ev("Kim Hong-kyun", "KR", ("Minister of Foreign Affairs",), (3,))
    groups = fold_names([kim, one, two])
    assert sorted(map(len, groups)) == [1, 1, 1]
    smith = fold_names([ev("A. Smith", "GB", ("Ambassador",), (1,)),
                        ev("Anna Smith", "GB", ("Ambassador",), (2,)),
                        ev("Adam Smith", "GB", ("Ambassador",), (3,))])
    assert sorted(map(len, smith)) == [1, 1, 1]
    # with one Kim only, the short form joins him
    assert together(kim, one)


def test_a_short_form_never_bridges_two_people() -> None:
    """"Clinton" seen with both in one release joins neither: they stay apart."""
    groups = fold_names([ev("Hillary Clinton", "US", ("Secretary of State",), (1,)),
                         ev("Bill Clinton", "US", ("President",), (1,)),
                         ev("Clinton", "US", (), (1,))])
    assert sorted(map(len, groups)) == [1, 1, 1]


def test_the_result_does_not_depend_on_the_order() -> None:
    items = [ev("Abbas Araghchi", "IR", (FM,), (1,)), ev("Seyed Abbas Araghchi", "IR", (FM,), (2,)),
             ev("Araghchi", "IR", ("Foreign Minister",), (3,)), ev("Wang Yi", "CN", (FM,), (4,)),
             ev("Wang", "CN", (), (5,))]
    assert fold_names(items) == fold_names(list(reversed(items)))
    assert sorted(map(len, fold_names(items))) == [1, 1, 3]


def test_words_and_kinds() -> None:
    assert same_word("sergey", "sergei") and same_word("mohammad", "muhammad")
    assert not same_word("maria", "mario") and not same_word("jean", "joan")
    assert variant_kind("s jaishankar", "subrahmanyam jaishankar") == "fuller"
    assert variant_kind("iwaya takeshi", "takeshi iwaya") == "order"
    assert variant_kind("eide", "espen barth eide") == "alone"
    assert variant_kind("hillary clinton", "bill clinton") is None
    assert display_name([("Abbas Araghchi", "abbas araghchi", 5),
                         ("Seyed Abbas Araghchi", "seyed abbas araghchi", 1)]) == "Seyed Abbas Araghchi"


@pytest.mark.parametrize(("title", "office"), [
    ("UK Foreign Secretary", "foreign secretary"),
    ("the Foreign Secretary of the United Kingdom", "foreign secretary"),
    ("Minister of Foreign Affairs of the Republic of Azerbaijan", "foreign affairs minister"),
    ("Azerbaijani Foreign Minister", "foreign affairs minister"),
    ("FM", "foreign affairs minister"),
    ("Deputy Minister of Foreign Affairs of Azerbaijan", "deputy foreign affairs minister"),
    ("Deputy Foreign Minister", "deputy foreign affairs minister"),
    ("India's Minister of External Affairs", "external affairs minister"),
    ("Ambassador of Belarus to Russia", "ambassador"),
    ("Minister of State for European Affairs", "minister of state for european affairs"),
    ("Spanish counterpart", None),
    (None, None),
])
def test_office_key(title: str | None, office: str | None) -> None:
    assert office_key(title) == office


def test_office_holder_nearest_within_the_window_and_never_two() -> None:
    day = dt.date(2024, 5, 10)
    johnson = [Sighting(1, dt.date(2024, 4, 1), 10), Sighting(1, dt.date(2024, 5, 20), 11)]
    assert office_holder(day, johnson) == Sighting(1, dt.date(2024, 5, 20), 11)
    assert office_holder(day, [Sighting(1, dt.date(2024, 1, 1), 9)]) is None  # 130 days off
    assert office_holder(day, [*johnson, Sighting(2, dt.date(2024, 6, 1), 12)]) is None
    assert office_holder(day, [*johnson, Sighting(2, dt.date(2024, 9, 1), 12)]) is not None
