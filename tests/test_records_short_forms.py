"""A person named in the headline by title and surname is the body's fuller form (issue 14, records-6): the
participant and the speaker carry the fullest name and the most specific title; two people sharing a surname
stay two. Texts written for the test in the style of the Taiwanese, Japanese, Korean and Chinese ministries."""

from __future__ import annotations

import datetime

from crawler.records import extract_records
from crawler.records.model import Records

_PUBLISHED = datetime.date(2025, 12, 3)


def _people(r: Records) -> list[tuple[str | None, str | None, str | None]]:
    return [(p.name, p.title, p.country) for m in r.meetings for p in m.participants]


def _speakers(r: Records) -> list[str | None]:
    return [s.speaker for s in r.statements]


def test_headline_short_forms_take_the_body_full_names_and_titles() -> None:
    title = "Minister Lin meets Paraguayan Foreign Minister Ramírez"
    text = ("Minister of Foreign Affairs Lin Chia-lung met with Paraguayan Foreign Minister Rubén Ramírez Lezcano "
            "in Taipei on December 2. Minister Lin emphasized that Taiwan and Paraguay share the values of freedom "
            "and democracy.\nForeign Minister Ramírez thanked Taiwan for its support.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="TW")
    people = _people(r)
    assert ("Lin Chia-lung", "Minister of Foreign Affairs", "TW") in people
    assert ("Rubén Ramírez Lezcano", "Paraguayan Foreign Minister", "PY") in people
    assert len(people) == 2
    assert _speakers(r) == ["Lin Chia-lung", "Rubén Ramírez Lezcano"]


def test_japanese_surname_first_capitals_are_the_headline_minister() -> None:
    title = "Foreign Minister Kamikawa Meets with Foreign Minister of Brazil"
    text = ("On March 5, commencing at 10:30 a.m. for approximately 40 minutes, Ms. KAMIKAWA Yoko, Minister for "
            "Foreign Affairs of Japan, held a meeting with H.E. Mr. Mauro Vieira, Minister of Foreign Affairs of the "
            "Federative Republic of Brazil, in Tokyo. Minister Kamikawa stated that Japan and Brazil share "
            "fundamental values. In response, Minister Vieira expressed his gratitude for the warm welcome.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="JP")
    names = [name for name, _title, _country in _people(r)]
    assert names == ["KAMIKAWA Yoko", "Mauro Vieira"]
    assert ("KAMIKAWA Yoko", "Minister for Foreign Affairs of Japan", "JP") in _people(r)
    assert _speakers(r) == ["KAMIKAWA Yoko", "Mauro Vieira"]


def test_korean_hyphenated_given_name_joins_the_headline_surname() -> None:
    title = "Minister Cho Holds Talks with Polish Foreign Minister"
    text = ("Minister of Foreign Affairs Cho Tae-yul held talks with Polish Minister of Foreign Affairs Radosław "
            "Sikorski in Seoul on October 14. Minister Cho noted that bilateral trade has grown rapidly.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="KR")
    assert ("Cho Tae-yul", "Minister of Foreign Affairs", "KR") in _people(r)
    assert len(_people(r)) == 2
    assert _speakers(r) == ["Cho Tae-yul"]


def test_a_hyphenated_given_name_ends_the_name_before_the_next_title() -> None:
    title = "Minister Lin and Deputy Minister Wang meet Palau delegation"
    text = ("Minister of Foreign Affairs Lin Chia-lung and Deputy Minister of Foreign Affairs Wang Mei-hua met with "
            "Palauan Minister of State Gustav Aitaro in Taipei on April 8. Minister Lin expressed gratitude for "
            "Palau's support. Deputy Minister Wang emphasized that economic ties would deepen.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="TW")
    people = _people(r)
    assert ("Wang Mei-hua", "Deputy Minister of Foreign Affairs", "TW") in people  # no "Chia-lung and …" title
    assert ("Lin Chia-lung", "Minister of Foreign Affairs", "TW") in people
    assert _speakers(r) == ["Lin Chia-lung", "Wang Mei-hua"]


def test_two_people_sharing_a_surname_stay_two() -> None:
    title = "Deputy Minister Wang receives Guatemalan Vice Minister"
    text = ("Foreign Minister Wang Yi and Deputy Minister Wang Mei-hua met with Guatemalan Vice Minister of Foreign "
            "Affairs Carlos Ramiro Martínez in Beijing on May 20. Deputy Minister Wang thanked Guatemala for its "
            "support. Foreign Minister Wang stressed that the two countries should deepen trade.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="CN")
    names = [name for name, _title, _country in _people(r)]
    assert "Wang Yi" in names and "Wang Mei-hua" in names
    assert "Wang" not in names
    assert _speakers(r) == ["Wang Mei-hua", "Wang Yi"]
    titles = {name: title for name, title, _country in _people(r)}
    assert titles["Wang Yi"] == "Foreign Minister"
    assert titles["Wang Mei-hua"] == "Deputy Minister"


def test_a_dual_office_holder_named_short_in_the_headline_is_one_person() -> None:
    title = "Secretary Lane’s Call with Polish Foreign Minister Nowak"
    text = ("Secretary of State Adam Lane spoke today with Polish Deputy Prime Minister and Foreign Minister Piotr "
            "Nowak. Secretary Lane commended Poland for its defence spending.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="US")
    people = _people(r)
    assert ("Piotr Nowak", "Polish Deputy Prime Minister and Foreign Minister", "PL") in people
    assert len(people) == 2


# --- issue 14 item 7: the other failure kinds --------------------------------------------------------

def test_multi_stop_visit_gives_each_of_five_counterparts_its_stop_country() -> None:
    text = ("Minister of Foreign Affairs of Georgia Maka Botchorishvili paid an official visit to the Gulf region on "
            "8-11 June 2025. In Riyadh she met the Minister of Foreign Affairs of Saudi Arabia Prince Faisal bin "
            "Farhan Al Saud, in Doha the Minister of State Mohammed Al-Khulaifi, in Abu Dhabi the Minister of State "
            "Khalifa Shaheen Al Marar, in Kuwait City the Minister of Foreign Affairs Abdullah Al-Yahya and in "
            "Manama the Minister of Foreign Affairs Abdullatif bin Rashid Al Zayani.")
    r = extract_records(text, title="Minister Botchorishvili's visit to the Gulf", published=_PUBLISHED, country="GE")
    people = _people(r)
    assert ("Mohammed Al-Khulaifi", "Minister of State", "QA") in people
    assert ("Khalifa Shaheen Al Marar", "Minister of State", "AE") in people  # no "Dhabi the …" title
    assert ("Abdullah Al-Yahya", "Minister of Foreign Affairs", "KW") in people
    assert ("Abdullatif bin Rashid Al Zayani", "Minister of Foreign Affairs", "BH") in people
    assert {country for _name, _title, country in people} == {"GE", "SA", "QA", "AE", "KW", "BH"}
    assert all(m.kind == "visit" for m in r.meetings)


def test_a_list_of_counterparts_keeps_each_title_to_its_holder() -> None:
    text = ("During her tour of Central Asia on 2-6 June 2025, Minister Anna Berg held talks with Foreign Minister "
            "Murat Nurtleu of Kazakhstan, Foreign Minister Sirojiddin Muhriddin of Tajikistan and Foreign Minister "
            "Rashid Meredov of Turkmenistan.")
    r = extract_records(text, title="Minister Berg's tour of Central Asia", published=_PUBLISHED, country="SE")
    people = _people(r)
    assert ("Rashid Meredov", "Foreign Minister", "TM") in people  # not "Tajikistan and Foreign Minister", TJ
    assert ("Sirojiddin Muhriddin", "Foreign Minister", "TJ") in people


def test_passive_video_conference_with_a_dual_office_counterpart() -> None:
    text = ("A video conference was held on 10 June between the Minister of Foreign Affairs of Lithuania Kęstutis "
            "Budrys and the Deputy Prime Minister, Minister of Foreign Affairs of Moldova Mihai Popșoi. Minister "
            "Budrys reaffirmed Lithuania's support for Moldova's EU accession.")
    r = extract_records(text, title="Video conference with the Foreign Minister of Moldova", published=_PUBLISHED,
                        country="LT")
    assert [m.kind for m in r.meetings] == ["video_call"]
    assert r.meetings[0].date == datetime.date(2025, 6, 10)
    people = _people(r)
    assert ("Mihai Popșoi", "Deputy Prime Minister, Minister of Foreign Affairs of Moldova", "MD") in people
    assert all(name is not None for name, _title, _country in people)  # no unnamed "Deputy Prime Minister", LT


def test_a_call_announced_in_the_future_is_no_meeting_and_a_held_one_is() -> None:
    future = ("On 13 June, Foreign Minister Baiba Braže will hold a phone call with the Minister for Foreign Affairs "
              "of Finland Elina Valtonen. The ministers will discuss regional security.")
    held = ("On 11 June, Foreign Minister Baiba Braže held a phone call with the Minister for Foreign Affairs of "
            "Finland Elina Valtonen, who will visit Riga next week. Braže thanked Finland for its support.")
    assert extract_records(future, title="Foreign Minister to hold a phone call with Finnish counterpart",
                           published=_PUBLISHED, country="LV").meetings == ()
    r = extract_records(held, title="Foreign Minister holds a phone call with Finnish counterpart",
                        published=_PUBLISHED, country="LV")
    assert [(m.kind, m.date) for m in r.meetings] == [("phone_call", datetime.date(2025, 6, 11))]
    assert ("Elina Valtonen", "Minister for Foreign Affairs of Finland", "FI") in _people(r)


def test_party_names_and_a_bilingual_menu_are_no_people() -> None:
    text = ("Қазақша | Русский | English\nForeign Minister Gideon Sa'ar met today with Yesh Atid members and with the "
            "Polish Foreign Minister Radosław Sikorski in Jerusalem. Foreign Minister Sa'ar thanked Poland for its "
            "friendship.")
    r = extract_records(text, title="Foreign Minister Sa'ar meets Polish Foreign Minister", published=_PUBLISHED,
                        country="IL")
    names = {name for name, _title, _country in _people(r)}
    assert names - {None} == {"Gideon Sa'ar", "Radosław Sikorski"}
    assert not any(name and ("Atid" in name or "Русский" in name) for name in names)


def test_an_unnamed_office_of_the_headline_is_the_body_holder_of_that_office() -> None:
    text = ("The Foreign Secretary met External Affairs Minister Dr S. Jaishankar in London today. The Foreign "
            "Secretary welcomed the progress on the free trade agreement.")
    r = extract_records(text, title="Foreign Secretary meets Indian External Affairs Minister", published=_PUBLISHED,
                        country="GB")
    people = _people(r)
    assert (None, "Foreign Secretary", "GB") in people  # the own side named only by title
    assert [p for p in people if p[2] == "IN"] == [("S. Jaishankar", "Indian External Affairs Minister", "IN")]
    assert _speakers(r) == ["Foreign Secretary"]


def test_a_stop_opened_by_a_foreign_capital_gives_its_counterpart_that_country() -> None:
    text = ("Minister of Foreign Affairs Lin Chia-lung concluded a visit to Guatemala and Belize on August 21.\n"
            "In Guatemala City on August 18, Minister Lin held talks with Minister of Foreign Affairs Carlos Ramiro "
            "Martínez. Minister Martínez reaffirmed Guatemala's commitment to its ties with Taiwan.\n"
            "In Belmopan on August 20, Minister Lin met with Minister of Foreign Affairs, Foreign Trade and "
            "Immigration Francis Fonseca. Minister Fonseca welcomed new projects in food security.")
    r = extract_records(text, title="Minister Lin concludes visit to Guatemala and Belize", published=_PUBLISHED,
                        country="TW")
    countries = {name: country for name, _title, country in _people(r)}
    assert countries == {"Lin Chia-lung": "TW", "Carlos Ramiro Martínez": "GT", "Francis Fonseca": "BZ"}


def test_an_appositive_title_with_a_hyphenated_body_name_is_kept() -> None:
    text = ("Deputy Minister of Foreign Affairs François Chih-chung Wu met on July 8 with a delegation of the "
            "European Parliament led by Michael Gahler, Member of the European Parliament and Chair of the European "
            "Parliament-Taiwan Friendship Group.")
    r = extract_records(text, title="Deputy Minister Wu meets European Parliament delegation", published=_PUBLISHED,
                        country="TW")
    gahler = [p for m in r.meetings for p in m.participants if p.name == "Michael Gahler"]
    assert gahler and gahler[0].title and gahler[0].title.endswith("Parliament-Taiwan Friendship Group")
    assert gahler[0].country is None  # a member of the European Parliament, not of Taiwan


def test_a_short_form_with_another_office_is_not_the_fuller_name() -> None:
    title = "Foreign Minister meets President Abbas"
    text = ("Foreign Minister Abbas Araghchi met President Mahmoud Abbas in Tehran on 10 June 2025. President Abbas "
            "thanked Iran for its support. Foreign Minister Araghchi stressed the importance of unity.")
    r = extract_records(text, title=title, published=_PUBLISHED, country="IR")
    names = [name for name, _title, _country in _people(r)]
    assert sorted(name for name in names if name) == ["Abbas Araghchi", "Mahmoud Abbas"]
    assert _speakers(r) == ["Mahmoud Abbas", "Abbas Araghchi"]
