"""Extraction quality rules of records-4 (issue 14), each over text written for the test in the style of
ministries: offices are not people, names whole, groups, locations, titles, topics, statement texts and
verb lemmas, encounters that were missed."""

from __future__ import annotations

import datetime

import pytest

from crawler.records import extract_records, records_to_json
from crawler.records.model import Records
from crawler.records.verbs import verb_lemma


def _people(r: Records) -> list[tuple[str | None, str | None, str | None, bool]]:
    return [(p.name, p.title, p.country, p.group) for m in r.meetings for p in m.participants]


def _names(r: Records) -> set[str]:
    return {p.name for m in r.meetings for p in m.participants if p.name}


# --- item 1: offices are not people ------------------------------------------------------------------

def test_unnamed_office_holder_has_null_name_and_keeps_title_country() -> None:
    text = ("The Foreign Secretary received the Ambassador of Chile at the Foreign Office on 4 March 2025.\n"
            "The Foreign Secretary stressed the value of the free trade agreement.")
    r = extract_records(text, published=datetime.date(2025, 3, 5), country="GB")
    assert len(r.meetings) == 1
    people = {(p.title, p.country) for p in r.meetings[0].participants if p.name is None}
    assert ("Foreign Secretary", "GB") in people
    assert any(title and "Ambassador" in title and country == "CL" for title, country in people)
    assert all(p.name is None for p in r.meetings[0].participants)
    j = records_to_json(r)
    assert all(p["name"] is None and p["group"] is False for p in j["meetings"][0]["participants"])


def test_group_counterparts_are_participants_marked_group() -> None:
    text = ("Minister Ana Ruiz received the Chinese delegation led by Vice Minister Zhou Lan in Lima on "
            "2 May 2025.\n"
            "Later, Minister Ruiz met heads of diplomatic missions of the European Union member states "
            "accredited in Peru.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    people = _people(r)
    assert ("Zhou Lan", "Vice Minister", "CN", False) in people  # the delegation's leader speaks for China
    groups = [p for m in r.meetings for p in m.participants if p.group]
    assert any(g.title == "Chinese delegation" and g.country == "CN" and g.name is None for g in groups)
    assert any(g.title and g.title.startswith("heads of diplomatic missions") for g in groups)
    assert all(g.country != "PE" for g in groups)  # a group never takes the own country by default


def test_post_nominals_are_not_part_of_names_and_tanaiste_is_a_title() -> None:
    text = ("Tánaiste and Minister for Foreign Affairs Mary Keane TD met Robert Hale MP, the Foreign "
            "Secretary, in London on 3 June 2025.\n"
            "The Tánaiste welcomed the joint work on the peace programme.")
    r = extract_records(text, published=datetime.date(2025, 6, 4), country="IE")
    people = {(name, title, country) for name, title, country, _group in _people(r)}
    assert ("Mary Keane", "Tánaiste and Minister for Foreign Affairs", "IE") in people
    assert ("Robert Hale", "Foreign Secretary", "GB") in people  # London gives the counterpart his country
    assert not any(name == "Tánaiste" for name, _t, _c in people)
    assert [s.speaker for s in r.statements] == ["Mary Keane"]


def test_an_office_only_one_state_has_gives_its_country_in_another_ministry_s_release() -> None:
    text = ("H.E. Sayyid Badr bin Hamad bin Hamood Albusaidi, Minister of Foreign Affairs, received "
            "Tánaiste Simon Harris in Muscat on 2 December 2026.")
    r = extract_records(text, published=datetime.date(2026, 12, 2), country="OM")
    people = {(name, country) for name, _title, country, _group in _people(r)}
    assert ("Simon Harris", "IE") in people
    assert ("Sayyid Badr bin Hamad bin Hamood Albusaidi", "OM") in people


# --- item 2: names whole -----------------------------------------------------------------------------

def test_multi_part_names_and_particles_are_whole() -> None:
    text = ("Foreign Secretary Juan Carlos de la Vega met Minister of Foreign Affairs Lin Chia-hung of "
            "Taiwan and Commissioner Anna van der Berg in Mexico City on 9 July 2025.\n"
            "Foreign Secretary de la Vega thanked Minister Lin.")
    r = extract_records(text, published=datetime.date(2025, 7, 10), country="MX")
    assert {"Juan Carlos de la Vega", "Lin Chia-hung", "Anna van der Berg"} <= _names(r)


# --- item 6: encounters that were missed ------------------------------------------------------------

@pytest.mark.parametrize(("text", "title", "kind"), [
    (("Minister Jan Novak spoke by telephone on Wednesday with the Minister of Foreign Affairs of Ireland, "
      "Sean Walsh."), None, "phone_call"),
    (("Foreign Minister Omar Haddad and his Qatari counterpart Khalid Al-Thani, in a telephone conversation "
      "on Monday, discussed the situation in the region."), None, "phone_call"),
    (("The Minister, Elena Soler, chaired today a videoconference of the Foreign Ministers of the Lisbon "
      "Group."), None, "video_call"),
    (("Deputy Minister Dana Levi hosted today (Tuesday, 3 June 2025) the Ambassador of Kenya at the "
      "ministry."), None, "reception"),
    (("Director General Avi Cohen held today (Monday, 13 October 2025) a round of political consultations "
      "with the Kazakh delegation."), None, "meeting"),
    (("Undersecretary Ewa Nowak received copies of the letters of credence from the newly appointed "
      "Ambassador of Peru."), None, "reception"),
    (("Vice Minister Park Ji-won held the 9th Korea-Japan-U.S. Vice Ministerial Meeting with Deputy "
      "Secretary Tom Reed in Seoul on May 2."), None, "meeting"),
    (("Minister Tomas Berg took part in a meeting of the Nordic foreign ministers in Oslo, hosted by Minister "
      "Kari Lund."), None, "meeting"),
    ("Minister Wen Li hosted a luncheon in Taipei on May 27 for President Mark Tan of Palau.", None,
     "reception"),
    ("Minister Ana Ruiz spoke by phone yesterday evening with the Minister of Foreign Affairs of Chile, Juan Soto.", None,
     "phone_call"),
    ("Minister Ana Ruiz received at the San Martín Palace, in Lima, the Secretary General of the OAS, Luis Mora.", None,
     "reception"),
    ("Secretary Rosa Cruz received today the courtesy call of the Ambassador of Chile.", None, "reception"),
    ("Minister Ana Ruiz received a bipartisan delegation of the United States Congress today.", None, "reception"),
    (("Minister Ken Sato held a video teleconference meeting with Mr. Omar Lev, Minister of Foreign Affairs of "
      "Israel."), None, "video_call"),
    (("Minister Lee Jun held a Korea-U.S. Foreign Ministers' Meeting with Secretary of State Tom Reed in "
      "Washington, D.C., on July 31 (local time)."), None, "meeting"),
    ("Minister Jonas Petras hosted a meeting of the foreign ministers of the Nordic-Baltic Eight in Vilnius.", None,
     "meeting"),
    (("Minister Marco Bassi had a telephone conversation today with the Minister of Foreign Affairs of "
      "Ukraine, Oleh Kovalenko."), "Bassi-Kovalenko call: Italy ready to host the conference", "phone_call"),
])
def test_encounters_in_the_language_of_diplomacy(text: str, title: str | None, kind: str) -> None:
    r = extract_records(text, title=title, published=datetime.date(2025, 10, 14), country="XX")
    assert r.meetings, text
    assert r.meetings[0].kind == kind


def test_a_future_title_still_announces_no_meeting() -> None:
    r = extract_records("Minister Ana Ruiz will travel to Madrid next week.", title="Minister to visit Spain",
                        published=datetime.date(2025, 1, 2), country="PE")
    assert not r.meetings


# --- item 6: statements -----------------------------------------------------------------------------

def test_verb_lemmas_fold_spelling_inflection_and_auxiliaries() -> None:
    assert verb_lemma("emphasized") == verb_lemma("emphasised") == verb_lemma("It was emphasised") == "emphasise"
    assert verb_lemma("expressed his deep satisfaction") == "express satisfaction"
    assert verb_lemma("We call upon") == verb_lemma("called on") == "call on"
    assert verb_lemma("Recalling") == "recall"
    assert verb_lemma("I have two announcements") == verb_lemma("My first announcement is about") == "announce"
    assert verb_lemma("My pleasure to welcome") == "welcome"
    assert verb_lemma("recognizes") == verb_lemma("recognises") == "recognise"
    assert verb_lemma("It was agreed") == "agree"
    assert verb_lemma("has repeatedly stressed") == "stress"
    assert verb_lemma("noted") == "note" and verb_lemma("underlined") == "underline"
    assert verb_lemma("regretted") == "regret" and verb_lemma("clarified") == "clarify"


def test_statements_carry_verb_lemma_and_joint_flag() -> None:
    text = ("Minister Ana Ruiz met Minister Paulo Costa in Lima on 2 May 2025.\n"
            "Minister Ruiz emphasized the importance of the ports agreement. The sides agreed to meet again.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    lemmas = [(s.speaker, s.verb_lemma, s.joint) for s in r.statements]
    assert ("Ana Ruiz", "emphasise", False) in lemmas
    assert (None, "agree", True) in lemmas


def test_ministry_statement_speaks_for_itself() -> None:
    text = ("Statement of the Ministry of Foreign Affairs of Ruritania\n"
            "We consider the shelling of the border villages a grave provocation and strongly condemn it.\n"
            "We call on the international community to respond.")
    r = extract_records(text, title="Statement of the Ministry of Foreign Affairs of Ruritania",
                        published=datetime.date(2025, 1, 2), country="AZ")
    assert not r.meetings
    got = [(s.speaker, s.verb_lemma) for s in r.statements]
    assert ("Ministry of Foreign Affairs of Ruritania", "condemn") in got
    assert ("Ministry of Foreign Affairs of Ruritania", "call on") in got


def test_honorifics_never_become_names_and_titles_end_before_them() -> None:
    text = ("Foreign Minister Karl Weber held talks with the Minister of Foreign Affairs of Oman, Sayyid Badr "
            "Hamad Albusaidi, the Minister of Foreign Affairs of Saudi Arabia, Prince Faisal bin Farhan Al Saud, "
            "H.E. Dato' Seri Rahim Hasan, Datuk Amran Zin, Tan Sri Ahmad Fuzi, Sheikh Abdullah bin Zayed Al Nahyan, "
            "Sir Keir Lamb and Dr Amal Hussain in Berlin on 2 May 2025.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="DE")
    names = _names(r)
    assert {"Sayyid Badr Hamad Albusaidi", "Faisal bin Farhan Al Saud", "Rahim Hasan", "Amran Zin", "Ahmad Fuzi",
            "Abdullah bin Zayed Al Nahyan", "Keir Lamb", "Amal Hussain"} <= names
    assert not any(word in name.split() for name in names for word in ("Dato", "Datuk", "Tan", "Sri", "Sheikh", "Sir", "Dr"))
    titles = {p.name: p.title for m in r.meetings for p in m.participants}
    assert titles["Faisal bin Farhan Al Saud"] == "Minister of Foreign Affairs of Saudi Arabia"


def test_comma_titles_do_not_end_with_ambassador_or_senator() -> None:
    text = ("Minister Karl Weber met the Permanent Representative of Chile to the UN, Ambassador Paula Rojas, "
            "and the Chair of the Foreign Relations Committee, Senator Jim Hart, in Berlin on 2 May 2025.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="DE")
    titles = {p.name: p.title for m in r.meetings for p in m.participants}
    assert titles["Paula Rojas"] == "Permanent Representative of Chile to the UN"
    assert titles["Jim Hart"] == "Chair of the Foreign Relations Committee"


def test_party_names_and_language_menus_are_not_people() -> None:
    text = ("English Gaeilge\n"
            "Minister Helen Byrne (Fine Gael) met Minister Tomás Walsh of Fianna Fáil and Minister Pieter Smit of "
            "the Netherlands in Dublin on 2 May 2025.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="IE")
    assert _names(r) == {"Helen Byrne", "Tomás Walsh", "Pieter Smit"}
    assert all(p.title == "Minister" for m in r.meetings for p in m.participants)


# --- item 6: locations, counterparts' countries, topics, statement texts -----------------------------

@pytest.mark.parametrize(("sentence", "location"), [
    ("Minister Jean Morel met Minister Anna Kowal at the Quai d'Orsay on 2 May 2025.", "Quai d'Orsay"),
    ("Minister Jean Morel received Minister Anna Kowal at the Foreign Ministry on 2 May 2025.", None),
    (("On 2 May 2025, Minister Aidos Bek met Minister Ali Khan on the sidelines of the Conference on Interaction "
      "and Confidence Building Measures in Asia (CICA) Ministerial Meeting in Baku."), "Baku"),
])
def test_locations_are_places_not_pieces_of_names(sentence: str, location: str | None) -> None:
    r = extract_records(sentence, published=datetime.date(2025, 5, 3), country="FR")
    assert r.meetings[0].location == location


def test_respective_counterparts_take_their_demonyms_in_order() -> None:
    text = ("Minister Jan Kowalski met his German and Polish counterparts, Klaus Weber and Piotr Nowak, in "
            "Vilnius on 2 May 2025.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="LT")
    countries = {p.name: p.country for p in r.meetings[0].participants}
    assert countries["Klaus Weber"] == "DE" and countries["Piotr Nowak"] == "PL"


def test_topics_keep_abbreviations_and_lists_of_fields_whole() -> None:
    text = ("Minister Jan Berg met Minister Tom Lee in Oslo on 2 May 2025. They discussed U.S. tariffs, "
            "cooperation in the political, trade and economic fields, as well as energy security.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="NO")
    assert list(r.meetings[0].topics) == [
        "U.S. tariffs", "cooperation in the political, trade and economic fields", "energy security"]


def test_paragraph_numbers_stay_out_of_statement_texts_with_exact_offsets() -> None:
    text = ("1. Minister Jan Berg met Minister Tom Lee in Oslo on 2 May 2025.\n"
            "2. Minister Berg appreciated the support of Korea.\n"
            "(b) Minister Lee stressed the need for a ceasefire.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="NO")
    assert [s.text for s in r.statements] == ["Minister Berg appreciated the support of Korea.",
                                              "Minister Lee stressed the need for a ceasefire."]
    assert all(text[s.start:s.end] == s.text for s in r.statements)


def test_quoted_speech_attributed_after_the_quote() -> None:
    text = ("Minister Ana Ruiz met Minister Paulo Costa in Lima on 2 May 2025.\n"
            "“Our ports agreement opens a new chapter,” says Minister Ana Ruiz.\n"
            "Minister Costa said:\n"
            "“We will ratify it this year.”")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    got = [(s.speaker, s.verb_lemma) for s in r.statements]
    assert ("Ana Ruiz", "say") in got
    assert ("Paulo Costa", "say") in got


def test_a_state_or_ministry_opening_the_sentence_speaks_in_the_present() -> None:
    text = ("Norway strongly condemns the attack on the aid convoy.\n"
            "The Ministry of Foreign Affairs of Norway calls on all parties to respect humanitarian law.\n"
            "The Ministry expresses its deepest condolences to the families.")
    r = extract_records(text, title="Norway condemns attack on aid convoy", published=datetime.date(2025, 5, 3),
                        country="NO")
    got = [(s.speaker, s.verb_lemma) for s in r.statements]
    assert got == [("Norway", "condemn"), ("Ministry of Foreign Affairs of Norway", "call on"),
                   ("Ministry of Foreign Affairs of Norway", "express condolence")]


def test_reporting_acts_in_perfect_nominal_and_existential_forms() -> None:
    text = ("Minister Ana Ruiz met Minister Paulo Costa in Lima on 2 May 2025.\n"
            "Minister Ruiz has repeatedly stressed the value of the ports agreement.\n"
            "An invitation was also extended by Minister Costa to visit Lisbon.\n"
            "There was unanimous agreement that the talks should continue.\n"
            "Emphasis was placed on the fight against organised crime.\n"
            "Minister Costa took the opportunity to support the candidacy of Peru.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    got = [(s.speaker, s.joint, s.verb_lemma) for s in r.statements]
    assert got == [("Ana Ruiz", False, "stress"), ("Paulo Costa", False, "invite"), (None, True, "agree"),
                   (None, False, "emphasise"), ("Paulo Costa", False, "support")]


def test_a_title_holding_and_is_one_speaker_two_titles_are_two() -> None:
    text = ("Minister Ana Ruiz met Minister Paulo Costa in Lima on 2 May 2025.\n"
            "Minister for Foreign Affairs and Cooperation Paulo Costa updated Minister Ruiz on the elections.\n"
            "The Minister for Foreign Affairs and Minister Costa welcomed the progress.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    got = [(s.speaker, s.joint, s.verb_lemma) for s in r.statements]
    assert got == [("Paulo Costa", False, "update"), (None, True, "welcome")]


def test_an_unsigned_release_speaks_for_the_issuing_ministry() -> None:
    text = "We strongly condemn the attack on the embassy.\nWe convey our deepest condolences to the families."
    r = extract_records(text, title="Press release regarding the attack on the embassy",
                        published=datetime.date(2025, 5, 3), country="TR")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [
        ("Ministry of Foreign Affairs of Türkiye", "condemn"), ("Ministry of Foreign Affairs of Türkiye", "convey")]


def test_a_dateline_before_the_trigger_dates_the_encounter() -> None:
    text = ("Press Release No. 12\nLima, May 9, 2025. Minister Ana Ruiz received the Ambassador of Chile at the "
            "Torre Tagle Palace.")
    r = extract_records(text, published=datetime.date(2025, 5, 10), country="PE")
    assert r.meetings[0].date == datetime.date(2025, 5, 9)


def test_an_office_named_once_in_the_title_is_the_named_official_of_the_text() -> None:
    text = ("On 12 March 2025, Mr. Niran Chai, Deputy Minister of Foreign Affairs, received a courtesy call from the "
            "newly appointed Ambassador of Peru at the Ministry of Foreign Affairs.\n"
            "The Deputy Minister welcomed the Ambassador.")
    r = extract_records(text, title="Deputy Minister of Foreign Affairs Receives a Courtesy Call from the Ambassador of Peru",
                        published=datetime.date(2025, 3, 12), country="TH")
    people = _people(r)
    assert [p for p in people if p[1] and p[1].startswith("Deputy Minister")] == [
        ("Niran Chai", "Deputy Minister of Foreign Affairs", "TH", False)]
    assert [s.speaker for s in r.statements][:1] == ["Niran Chai"]


def test_surnames_spelled_like_countries_and_generic_capitalised_phrases() -> None:
    text = ("State Secretary Elena Ruiz Jordán met Minister Ali Vahidi in Madrid on 3 May 2025 to launch the Digital "
            "Partnership and the Transport Route Action Plan.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="ES")
    assert _names(r) == {"Elena Ruiz Jordán", "Ali Vahidi"}


@pytest.mark.parametrize("text", [
    "A videoconference was held on 4 May 2025 between Minister Ana Ruiz and the Minister of Foreign Affairs of Chile, Juan Soto.",
    "Minister Ana Ruiz was joined by video link by Minister Juan Soto of Chile on 4 May 2025.",
])
def test_a_video_call_reported_in_the_passive(text: str) -> None:
    r = extract_records(text, published=datetime.date(2025, 5, 4), country="PE")
    assert r.meetings and r.meetings[0].kind == "video_call"
    assert _names(r) == {"Ana Ruiz", "Juan Soto"}


def test_a_call_in_the_historical_present() -> None:
    r = extract_records("Minister Ana Ruiz has a telephone conversation with Minister Juan Soto of Chile.",
                        published=datetime.date(2025, 5, 4), country="PE")
    assert r.meetings and r.meetings[0].kind == "phone_call"
    assert {(p.name, p.country) for p in r.meetings[0].participants} == {("Ana Ruiz", "PE"), ("Juan Soto", "CL")}


def test_a_multi_stop_visit_with_five_counterparts() -> None:
    text = ("Minister Ana Ruiz is visiting the Gulf. In Riyadh she met Prince Faisal bin Farhan, in Doha Sheikh "
            "Mohammed Al-Thani, in Abu Dhabi Sheikh Abdullah bin Zayed, in Muscat Sayyid Badr Albusaidi and in "
            "Manama Abdullatif Al-Zayani.")
    r = extract_records(text, published=datetime.date(2025, 5, 4), country="PE")
    got = {(p.name, p.country) for m in r.meetings for p in m.participants}
    assert got == {("Ana Ruiz", "PE"), ("Faisal bin Farhan", "SA"), ("Mohammed Al-Thani", "QA"),
                   ("Abdullah bin Zayed", "AE"), ("Sayyid Badr Albusaidi", "OM"), ("Abdullatif Al-Zayani", "BH")}
    assert r.meetings[0].kind == "visit" and r.meetings[0].location == "Riyadh"


def test_surname_first_capitals_and_initials_stay_as_written() -> None:
    text = ("Minister for Foreign Affairs KAMIKAWA Yoko met External Affairs Minister S. Jaishankar in Tokyo on "
            "3 May 2024.\nMinister Kamikawa welcomed the progress. Minister Jaishankar thanked her.")
    r = extract_records(text, published=datetime.date(2024, 5, 4), country="JP")
    assert _names(r) == {"KAMIKAWA Yoko", "S. Jaishankar"}
    assert [s.speaker for s in r.statements] == ["KAMIKAWA Yoko", "S. Jaishankar"]


def test_express_keeps_its_object_after_a_possessive_and_inverted_said() -> None:
    text = ("Minister Ana Ruiz met Minister Paulo Costa in Lima on 2 May 2025.\n"
            "Minister Costa expressed Portugal's interest in the port project.\n"
            "Minister Ruiz expressed the Philippines' support, as a partner.\n"
            "“Trade between us has doubled,” says Ms Ruiz.\n"
            "The agreement will be signed in June, said Minister Paulo Costa.")
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    got = [(s.speaker, s.verb_lemma) for s in r.statements]
    assert got == [("Paulo Costa", "express interest"), ("Ana Ruiz", "express support"), ("Ana Ruiz", "say"),
                   ("Paulo Costa", "say")]


def test_unnamed_ambassadors_keep_their_state_and_accreditation() -> None:
    summons = extract_records("Today, the Ministry summoned the Ambassador of the Islamic Republic of Iran to Sweden.",
                              published=datetime.date(2025, 10, 15), country="SE")
    credentials = extract_records("Minister Ana Berg received a copy of credentials from the newly appointed Ambassador "
                                  "Extraordinary and Plenipotentiary of Japan to Sweden.",
                                  published=datetime.date(2025, 10, 15), country="SE")
    unnamed = {(p.title, p.country) for r in (summons, credentials) for m in r.meetings for p in m.participants
               if p.name is None and not p.group}
    assert unnamed == {("Ambassador of the Islamic Republic of Iran to Sweden", "IR"),
                       ("Ambassador Extraordinary and Plenipotentiary of Japan to Sweden", "JP")}


def test_articleless_offices_of_south_asian_style() -> None:
    text = ("Foreign Secretary Shri Ravi Mehta visited Kathmandu on 23-24 November 2026.\n"
            "2. During the visit, Foreign Secretary called on Prime Minister of Nepal and held talks with Foreign "
            "Secretary of Nepal Amrit Bahadur Rai.")
    r = extract_records(text, title="Visit of Foreign Secretary to Nepal", published=datetime.date(2026, 11, 25),
                        country="IN")
    got = {(p.name, p.title, p.country) for m in r.meetings for p in m.participants}
    assert got == {("Ravi Mehta", "Foreign Secretary", "IN"), (None, "Prime Minister of Nepal", "NP"),
                   ("Amrit Bahadur Rai", "Foreign Secretary of Nepal", "NP")}
    assert r.meetings[0].date == datetime.date(2026, 11, 23)


def test_a_dropped_lead_sentence_passes_its_date_on() -> None:
    text = ("Prime Minister Ali Hamad held a number of meetings on Monday, 13 October 2025, on the sidelines of the "
            "summit.\nHe met with Minister of Foreign Affairs of Egypt Omar Said, and they discussed Gaza.")
    r = extract_records(text, published=datetime.date(2025, 10, 14), country="QA")
    assert r.meetings[0].date == datetime.date(2025, 10, 13)


def test_remarks_at_a_meeting_count_only_first_person_stances() -> None:
    text = ("Minister Ana Ruiz and Minister Paulo Costa Before Their Meeting\n"
            "MINISTER RUIZ: Paulo, let me welcome you to Lima. We have a lot to talk about. I think our ties have "
            "never been closer.\n"
            "MINISTER COSTA: (Via interpreter) Well, I’m delighted to be here. From Lima, I travel to Quito.")
    r = extract_records(text, title="Remarks With Minister Paulo Costa Before Their Meeting",
                        published=datetime.date(2025, 5, 3), country="PE")
    assert r.meetings
    got = [((s.speaker or "").split()[-1].casefold(), s.verb_lemma) for s in r.statements]
    assert got == [("ruiz", "welcome"), ("ruiz", "think"), ("costa", "delight")]


# --- coordinated predicates, cut-off pages (records-5) ----------------------------------------------

def test_a_verb_coordinated_with_the_encounter_verb_shares_its_subject() -> None:
    text = ("Foreign Minister Ahmet Kaya held a meeting on 3 March 2024 in Ankara with Selim Oral, President of the "
            "Defence Agency, and reviewed current projects.\n"
            "Then, Minister Kaya received newly appointed Ambassadors Anna Berg of Norway and Paul Dorn of Chile "
            "and wished them success in their duties.\n"
            "On the same day, Minister Kaya also met with Director-General Maria Lopez of the International Labour "
            "Organization in Geneva, discussed cooperation projects and emphasized that Türkiye would keep its "
            "support.\n"
            "Minister Kaya called Foreign Minister Omar Said of Egypt today and briefed him on the situation.")
    r = extract_records(text, published=datetime.date(2024, 3, 3), country="TR")
    got = [(s.speaker, s.verb_lemma) for s in r.statements]
    assert got == [("Ahmet Kaya", "wish"), ("Ahmet Kaya", "emphasise"), ("Ahmet Kaya", "brief")]
    assert r.statements[0].text.startswith("Then, Minister Kaya received")


def test_plural_office_subject_of_a_coordinated_verb_is_joint() -> None:
    text = ("Foreign Secretary John Hale held a trilateral meeting with Polish Foreign Minister Jan Nowak and "
            "Ukrainian Foreign Minister Oleh Bondar.\n"
            "Foreign Ministers of Poland, Ukraine and the United Kingdom met in New York on 21 September 2024 and "
            "agreed to deepen their cooperation.")
    r = extract_records(text, published=datetime.date(2024, 9, 22), country="GB")
    agreed = [s for s in r.statements if s.verb_lemma == "agree"]
    assert len(agreed) == 1 and agreed[0].speaker is None and agreed[0].joint


def test_a_subject_after_and_is_not_the_opening_subject() -> None:
    text = "Minister Ana Ruiz met Ambassador Paul Dorn of Chile in Lima on 2 May 2025, and Ambassador Dorn thanked her."
    r = extract_records(text, published=datetime.date(2025, 5, 3), country="PE")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Paul Dorn", "thank")]


def test_a_name_cut_off_by_the_end_of_a_stored_page_is_an_unnamed_office_holder() -> None:
    text = ("Minister for Foreign Affairs Lee Wen Han had bilateral meetings with his counterparts from Kenya and "
            "Guyana on 26 October 2011.\n"
            "Minister Lee and Kenyan Foreign Minister Paul Otieno reviewed bilateral relations.\n"
            "Minister Lee informed Guyana Minister of Foreign Affairs Carol")
    r = extract_records(text, published=datetime.date(2011, 10, 26), country="SG")
    people = {(p.name, p.country) for m in r.meetings for p in m.participants}
    assert ("Paul Otieno", "KE") in people
    assert (None, "GY") in people and not any(name == "Carol" for name, _country in people)


def test_a_reception_at_a_venue_whose_name_has_lowercase_particles() -> None:
    text = ("The Minister of State and Foreign Affairs, Rui Matos, received today at the Palácio das Necessidades "
            "the Minister of Foreign Affairs of Chile, Ana Soto, on an official visit to Portugal.")
    r = extract_records(text, published=datetime.date(2025, 2, 18), country="PT")
    assert [m.kind for m in r.meetings] == ["reception"]


def test_a_trip_told_without_a_visit_verb_makes_its_engagements_visits() -> None:
    text = ("The Honourable Mary Clarke, Minister of Foreign Affairs, today concluded a visit to New Delhi, where she "
            "met with Ravi Kumar, India's Minister of External Affairs, and Anil Rao, India's Minister of Commerce.")
    r = extract_records(text, published=datetime.date(2025, 10, 14), country="CA")
    assert r.meetings and {m.kind for m in r.meetings} == {"visit"}
    during = ("On February 25, during his visit to Tokyo, Minister of Foreign Affairs of Ukraine Ivan Koval met with "
              "Prime Minister of Japan Aiko Mori and held talks with Minister for Foreign Affairs of Japan Ken Sato.")
    r = extract_records(during, published=datetime.date(2026, 2, 26), country="UA")
    assert r.meetings and {m.kind for m in r.meetings} == {"visit"}


def test_one_meeting_within_a_trip_stays_a_meeting_and_a_guest_visit_home_is_no_trip() -> None:
    one = ("On March 28, 2022, within the framework of his working visit to Germany, Minister Elchin Aliyev met "
           "with Jens Braun, Foreign Policy Adviser to the Federal Chancellor.")
    r = extract_records(one, published=datetime.date(2022, 3, 28), country="AZ")
    assert [m.kind for m in r.meetings] == ["meeting"]
    home = ("Minister Rui Matos met Foreign Minister Ana Soto of Chile and Foreign Minister Luis Vera of Peru, "
            "during their visit to Portugal, in Lisbon on 3 May 2025.")
    r = extract_records(home, published=datetime.date(2025, 5, 3), country="PT")
    assert r.meetings and all(m.kind == "meeting" for m in r.meetings)


def test_a_briefing_counts_first_person_stances_and_the_state_speaking() -> None:
    text = ("Official Spokesperson, Shri Arun Das: Good afternoon. I have three announcements today.\n"
            "We are working on several documents for the visit. From Lisbon, the delegation will travel on.\n"
            "Question: What about the tariffs?\n"
            "Official Spokesperson, Shri Arun Das: India firmly opposes unilateral measures. We have repeatedly said "
            "that dialogue is the way forward.")
    r = extract_records(text, title="Transcript of Media Briefing by Official Spokesperson (June 16, 2025)",
                        published=datetime.date(2025, 6, 16), country="IN")
    assert not r.meetings
    got = [(s.speaker, s.verb_lemma) for s in r.statements]
    assert got == [("Arun Das", "announce"), ("Arun Das", "oppose"), ("Arun Das", "say")]


def test_states_as_a_noun_ceremonies_and_page_notices_are_no_statements() -> None:
    text = ("Minister Elchin Aliyev received the newly appointed Ambassador of Chile to Azerbaijan Paulo Vera.\n"
            "The Ambassador presented a copy of his credentials to Minister Aliyev.\n"
            "During the meeting, relations between Azerbaijan and the European states were reviewed.\n"
            "The Minister handed over letters of thanks to the embassy staff.\n"
            "Ambassador Vera said that he is pleased to serve in Baku.\n"
            "This information has recently been updated, and is now available.")
    r = extract_records(text, published=datetime.date(2025, 3, 5), country="AZ")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Paulo Vera", "say")]


def test_a_connective_between_and_and_the_verb_keeps_the_subject() -> None:
    text = ("Deputy Foreign Minister of Türkiye Kemal Aras and Deputy Foreign Minister of Russia Ivan Petrov held "
            "consultations in Istanbul on 8 December 2022.\n"
            "The Turkish side highlighted the need for a ceasefire, underlined the importance of talks, and to this "
            "end reiterated its readiness to help.")
    r = extract_records(text, published=datetime.date(2022, 12, 10), country="TR")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [
        ("Kemal Aras", "highlight"), ("Kemal Aras", "underline"), ("Kemal Aras", "reiterate")]


def test_the_office_of_a_statement_title_is_its_named_holder_in_the_opening() -> None:
    text = ("The Tánaiste and Minister for Foreign Affairs, Mary Keane TD, has today joined twenty other ministers "
            "in calling for an end to the war.\n"
            "The Tánaiste said:\n"
            "“The suffering of civilians has reached new depths.”")
    r = extract_records(text, title="Statement by the Tánaiste on the humanitarian situation",
                        published=datetime.date(2025, 7, 1), country="IE")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Mary Keane", "say")]
    assert r.statements[0].speaker_person


def test_the_state_in_a_named_spokespersons_comment_speaks_through_them() -> None:
    text = ("Ukraine condemns the so-called elections in the occupied territories.\n"
            "These procedures are null and void, said MFA Spokesperson Ivan Moroz.\n"
            "We call on our partners not to recognise them.")
    r = extract_records(text, title="Comment by MFA Spokesperson Ivan Moroz on the so-called elections",
                        published=datetime.date(2025, 9, 9), country="UA")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [
        ("Ivan Moroz", "condemn"), ("Ivan Moroz", "say"), ("Ivan Moroz", "call on")]
    unsigned = extract_records("France condemns the strikes on the city.",
                               title="Lebanon – Statement by the Spokesperson (April 28th 2026)",
                               published=datetime.date(2026, 4, 28), country="FR")
    assert [s.speaker for s in unsigned.statements] == ["France"]


def test_an_unattributed_we_inside_quoted_words_is_no_statement() -> None:
    text = ("Minister for Foreign Affairs Lars Holm is visiting Reykjavík today, where he is holding talks with the "
            "Icelandic Minister for Foreign Affairs, Anna Jónsdóttir.\n"
            "Lars Holm says: “Our countries are bound by history. I am pleased that we agreed to strengthen our "
            "dialogue.”")
    r = extract_records(text, published=datetime.date(2025, 11, 20), country="DK")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Lars Holm", "say")]


def test_institutions_speak_for_themselves_in_their_statements() -> None:
    text = ("The Government of the Republic of Korea strongly condemns the launch of a ballistic missile this morning.\n"
            "The Department of Foreign Affairs strongly protests the use of water cannons against a patrol vessel.\n"
            "In response to renewed claims, the Ministry of Foreign Affairs reiterates that the resolution does not "
            "mention the island.\n"
            "MOFA sincerely thanks its partners and calls on the international community to uphold the rules.")
    r = extract_records(text, title="Statement on recent provocations", published=datetime.date(2025, 5, 21),
                        country="KR")
    got = [((s.speaker or "").split(" of ")[0], s.verb_lemma, s.speaker_person) for s in r.statements]
    assert got == [("Government", "condemn", False), ("Department", "protest", False),
                   ("Ministry", "reiterate", False), ("Ministry", "thank", False), ("Ministry", "call on", False)]
    assert r.statements[0].speaker == "Government of the Republic of Korea"
    assert len({s.speaker for s in r.statements[2:]}) == 1  # "MOFA" is the ministry named before


def test_seri_utama_is_an_honorific_and_haji_inside_a_name_stays() -> None:
    text = ("Foreign Minister Aiko Mori held a meeting with Dato' Seri Utama Haji Rahman bin Haji Yusof, Minister of "
            "Foreign Affairs of Malaysia, in Tokyo on 4 June 2025.")
    r = extract_records(text, published=datetime.date(2025, 6, 4), country="JP")
    assert ("Haji Rahman bin Haji Yusof", "Minister of Foreign Affairs of Malaysia", "MY", False) in _people(r)


def test_encounters_missed_before_passive_reception_progressive_talks_a_call_from() -> None:
    received = ("Foreign Minister Karl Braun arrived in Kyiv this morning for his first visit to Ukraine.\n"
                "In talks with Ukrainian Foreign Minister Ivan Koval, the Foreign Minister assured Ukraine of support.\n"
                "The Foreign Minister was also received by President Oleh Marchenko.")
    r = extract_records(received, published=datetime.date(2025, 6, 30), country="DE")
    assert ("Oleh Marchenko", "UA") in {(p.name, p.country) for m in r.meetings for p in m.participants}
    holding = ("Minister for Foreign Affairs Lars Holm is visiting Reykjavík today, where he is holding talks with "
               "the Icelandic Minister for Foreign Affairs, Þóra Katrín Jónsdóttir.")
    r = extract_records(holding, published=datetime.date(2025, 11, 20), country="DK")
    assert ("Þóra Katrín Jónsdóttir", "IS") in {(p.name, p.country) for m in r.meetings for p in m.participants}
    call = ("HE Prime Minister and Minister of Foreign Affairs Sheikh Khalid bin Saad Al-Thani received a phone call "
            "on Sunday, 16 February 2025, from HE Minister of Foreign Affairs of the Republic of Tunisia Dr. Omar Haddad.")
    r = extract_records(call, published=datetime.date(2025, 2, 16), country="QA")
    assert [m.kind for m in r.meetings] == ["phone_call"]
    assert ("Omar Haddad", "TN") in {(p.name, p.country) for p in r.meetings[0].participants}


def test_an_office_that_goes_on_past_its_head_is_the_title_of_the_name_after_it() -> None:
    text = ("The Minister for Foreign Affairs, European Union and Cooperation, Luis Prado, travelled today to "
            "Nouakchott, where he was received by the President of Mauritania, Ali Cheikh.\n"
            "Minister Prado held a working meeting with the Mauritanian Minister of Foreign Affairs, Cooperation and "
            "Mauritanians Abroad, Sidi Ould Ahmed.\n"
            "The Minister underlined that Mauritania is a strategic partner.")
    r = extract_records(text, published=datetime.date(2025, 3, 25), country="ES")
    people = _people(r)
    assert ("Sidi Ould Ahmed", "Mauritanian Minister of Foreign Affairs, Cooperation and Mauritanians Abroad", "MR",
            False) in people
    assert ("Luis Prado", "Minister for Foreign Affairs, European Union and Cooperation", "ES", False) in people
    assert all(name is not None for name, _title, _country, _group in people)  # no office as a second person
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Luis Prado", "underline")]
    osce = extract_records("Minister of Foreign Affairs of Georgia Nino Beradze held a video conference with the "
                           "Secretary General of the Organization for Security and Co-operation in Europe Anton Weiss.",
                           published=datetime.date(2025, 3, 25), country="GE")
    weiss = [p for m in osce.meetings for p in m.participants if p.name == "Anton Weiss"]
    assert weiss and weiss[0].country is None and weiss[0].organisation
    assert weiss[0].title == "Secretary General of the Organization for Security and Co-operation in Europe"


def test_latin_america_and_the_organization_of_american_states_are_not_the_united_states() -> None:
    from crawler.records.countries import find_countries

    assert find_countries("the Secretary of State for Latin America and Ibero-America") == []
    assert find_countries("the Organization of American States") == []
    assert [code for _s, _e, code in find_countries("the American side")] == ["US"]


def test_the_title_after_an_opening_with_a_counterpart_is_the_subject() -> None:
    text = ("On February 25, during his visit to Tokyo, Minister of Foreign Affairs of Ukraine Ivan Koval met with "
            "Prime Minister of Japan Aiko Mori and held talks with Minister for Foreign Affairs of Japan Ken Sato.\n"
            "During the meeting with Aiko Mori, the Minister conveyed the greetings of the President of Ukraine and "
            "thanked Japan for its support.")
    r = extract_records(text, published=datetime.date(2026, 2, 26), country="UA")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Ivan Koval", "convey"), ("Ivan Koval", "thank")]


def test_offices_of_state_and_groups_speak_when_referred_to() -> None:
    text = ("On 12 June 2025, Undersecretary of State Anna Lis received copies of the letters of credence from the newly "
            "appointed Ambassador of Chile to Poland.\n"
            "The Undersecretary of State congratulated the Ambassador on his nomination.")
    r = extract_records(text, published=datetime.date(2025, 6, 12), country="PL")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Anna Lis", "congratulate")]
    group = ("On September 12, Minister of Foreign Affairs Ali Karimov received the heads of diplomatic missions of "
             "the member states of ASEAN accredited in Uzbekistan.\n"
             "The ambassadors expressed interest in direct flights between Tashkent and Southeast Asia.")
    r = extract_records(group, published=datetime.date(2024, 9, 12), country="UZ")
    spoken = [s for s in r.statements if s.verb_lemma == "express interest"]
    assert len(spoken) == 1 and spoken[0].speaker and spoken[0].speaker.startswith("heads of diplomatic missions")
    assert not spoken[0].speaker_person


def test_answers_in_a_press_conference_keep_stances_in_past_and_intent_forms() -> None:
    text = ("Question: Minister, you met the envoy last week. What did you discuss?\n"
            "Minister Kato: We had a very productive conversation. I emphasized that there can be no talks about "
            "Ukraine without Ukraine.\n"
            "Question: What do you expect from the meeting?\n"
            "Minister Kato: I would like to confirm the importance of the alliance. We are disappointed by the "
            "decision. We firmly oppose unilateral sanctions.")
    r = extract_records(text, title="Press Conference by Foreign Minister KATO Ren",
                        published=datetime.date(2025, 1, 7), country="JP")
    assert [s.verb_lemma for s in r.statements] == ["emphasise", "confirm", "disappoint", "oppose"]


def test_an_advisory_passive_and_an_opening_adverbial_speak_for_the_issuing_ministry() -> None:
    text = ("Ahead of the holidays, the Ministry of Foreign Affairs recommends that citizens travelling abroad register "
            "with the Consular Division.\n"
            "The public is reminded to book appointments only through the official website.")
    r = extract_records(text, title="Update for citizens travelling abroad", published=datetime.date(2025, 9, 15),
                        country="IL")
    got = [(s.verb_lemma, (s.speaker or "").startswith("Ministry of Foreign Affairs")) for s in r.statements]
    assert got == [("recommend", True), ("remind", True)]


def test_counterparts_from_a_list_of_states_take_their_countries_in_order() -> None:
    text = ("Minister of Foreign Affairs of Ukraine Ivan Koval held a meeting with his counterparts from Poland, "
            "Lithuania and Latvia, Anna Nowak, Jonas Petras and Inga Berzina, in Kyiv on 3 March 2025.")
    r = extract_records(text, published=datetime.date(2025, 3, 3), country="UA")
    got = {(p.name, p.country) for m in r.meetings for p in m.participants}
    assert {("Anna Nowak", "PL"), ("Jonas Petras", "LT"), ("Inga Berzina", "LV")} <= got
    assert all(p.title != "Lithuania and Latvia" for m in r.meetings for p in m.participants)


def test_calls_told_without_a_phone_object_and_a_rank_after_the_office() -> None:
    spoke = extract_records("Foreign Minister Elchin Aliyev and his Chilean counterpart Ana Soto spoke by phone on "
                            "Tuesday.", published=datetime.date(2025, 3, 5), country="AZ")
    assert [(m.kind, {p.name for p in m.participants}) for m in spoke.meetings] == [
        ("phone_call", {"Elchin Aliyev", "Ana Soto"})]
    received = extract_records("Minister Elchin Aliyev received a call from the Minister of Foreign Affairs of Chile, "
                               "Ana Soto.", published=datetime.date(2025, 3, 5), country="AZ")
    assert [m.kind for m in received.meetings] == ["phone_call"]
    senator = extract_records("Deputy Prime Minister and Foreign Minister Senator Ali Raza met the Ambassador of Japan "
                              "in Islamabad today.", published=datetime.date(2025, 3, 5), country="PK")
    assert ("Ali Raza", "Deputy Prime Minister and Foreign Minister") in {
        (p.name, p.title) for m in senator.meetings for p in m.participants}
    alone = extract_records("Senator John Hale met Foreign Minister Ali Raza in Islamabad today.",
                            published=datetime.date(2025, 3, 5), country="PK")
    assert ("John Hale", "Senator") in {(p.name, p.title) for m in alone.meetings for p in m.participants}


def test_a_journalists_question_is_no_statement_of_the_spokesperson() -> None:
    text = ("Reuters: Today, the two leaders met in Beijing. We noted that they discussed the crisis. Can you share "
            "more?\n"
            "Lin Hua: China firmly supports a political settlement.")
    r = extract_records(text, title="Foreign Ministry Spokesperson Lin Hua's Regular Press Conference on April 16, 2025",
                        published=datetime.date(2025, 4, 16), country="CN")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Lin Hua", "support")]


def test_headlines_said_again_on_the_page_make_one_statement_at_most() -> None:
    text = ("Menu\n"
            "Aras briefed the Georgian side on the recent escalation at the border\n"
            "June 24, 2023 16:30\n"
            "On June 22, political consultations between the Ministries of Foreign Affairs of Türkiye and Georgia were "
            "held in Ankara, led by Deputy Foreign Minister of Türkiye Kemal Aras and First Deputy Minister of Foreign "
            "Affairs of Georgia Nika Beridze.\n"
            "Deputy Foreign Minister Aras briefed the Georgian side on the recent escalation at the border, which "
            "threatens stability.")
    r = extract_records(text, title="Political consultations between Türkiye and Georgia",
                        published=datetime.date(2023, 6, 24), country="TR")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Kemal Aras", "brief")]
    assert r.statements[0].text.startswith("Deputy Foreign Minister Aras")
    repeated = ("PRESS RELEASE : Lord Hale reaffirms UK-Chile partnership [April 2023]\n"
                "PRESS RELEASE : Lord Hale reaffirms UK-Chile partnership [April 2023]\n"
                "Minister for the Americas, Lord Hale of Kent, visited Chile.")
    r = extract_records(repeated, title="Lord Hale reaffirms UK-Chile partnership", published=datetime.date(2023, 4, 6),
                        country="GB")
    assert [s.verb_lemma for s in r.statements].count("reaffirm") == 1


def test_one_express_verb_with_two_stances_gives_two_statements() -> None:
    text = ("On 15 January, Ambassador Sato paid a courtesy call on Hon. Peter Kila, Foreign Minister.\n"
            "FM Kila expressed his gratitude for Japan's continuous assistance, and his desire to strengthen bilateral "
            "relations in the anniversary year.")
    r = extract_records(text, published=datetime.date(2025, 1, 15), country="JP")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [
        ("Peter Kila", "express gratitude"), ("Peter Kila", "express desire")]
    first, second = r.statements
    assert text[first.start:first.end].endswith("continuous assistance")
    assert text[second.start:second.end].startswith("his desire") and second.end == len(text)


def test_a_possessors_expression_of_concern_is_their_statement() -> None:
    text = ("Deputy Minister of Foreign Affairs Kemal Aras held a telephone conversation on 2 June with Permanent "
            "Representative of the US to the United Nations Mary Cole.\n"
            "In response to Permanent Representative Cole’s expression of concerns about the operation, Deputy "
            "Minister Aras emphasized that the threat is existential.")
    r = extract_records(text, published=datetime.date(2022, 6, 2), country="TR")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [
        ("Mary Cole", "express concern"), ("Kemal Aras", "emphasise")]
    assert text[r.statements[1].start:].startswith("Deputy Minister Aras emphasized")


def test_an_office_known_only_by_title_speaks_and_its_we_follows() -> None:
    text = ("The Chilean Ambassador was summoned for a meeting to revoke the accreditation of a Chilean diplomat.\n"
            "An FCDO spokesperson said:\n"
            "“We condemn in the strongest possible terms the expulsion of a British diplomat.")
    r = extract_records(text, title="Foreign Office summons Chilean Ambassador", published=datetime.date(2026, 2, 2),
                        country="GB")
    assert [(s.speaker, s.verb_lemma, s.speaker_person) for s in r.statements] == [
        ("FCDO spokesperson", "say", False), ("FCDO spokesperson", "condemn", False)]
    assert all(p.title != "FCDO spokesperson" for m in r.meetings for p in m.participants)
    negative = ("Commenting on media reports, the Foreign Office spokesman stated that certain inaccuracies were found. "
                "The Foreign Minister had stated that Pakistan values the trilateral process.")
    r = extract_records(negative, published=datetime.date(2011, 1, 28), country="PK")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [
        ("Foreign Office spokesman", "state"), ("Foreign Minister", "state")]


def test_a_numbered_paragraph_opened_by_a_title_reference_shares_its_subject() -> None:
    text = ("External Affairs Minister Dr. Ravi Kumar paid an official visit to Colombo on 3-4 November 2026.\n"
            "2. EAM called on President of Sri Lanka Mr. Nimal Perera and conveyed the greetings of the Prime "
            "Minister.")
    r = extract_records(text, published=datetime.date(2026, 11, 5), country="IN")
    assert [(s.speaker, s.verb_lemma) for s in r.statements] == [("Ravi Kumar", "convey")]
    assert not r.statements[0].text.startswith("2.")


def test_a_word_of_an_organisations_name_is_no_person() -> None:
    text = ("First Deputy Minister of Foreign Affairs of Georgia Nika Beridze met with the Head of the EU Monitoring "
            "Mission in Georgia, Ambassador Anna Berg.\n"
            "Later, Minister Beridze received the Chairman of the Board of Directors of the Turkish Airlines, Mr. Ahmet "
            "Bolat.")
    r = extract_records(text, published=datetime.date(2025, 5, 5), country="GE")
    names = _names(r)
    assert {"Nika Beridze", "Anna Berg", "Ahmet Bolat"} <= names
    assert not names & {"Monitoring", "Airlines"}


def test_the_tanaiste_unnamed_is_the_own_side() -> None:
    r = extract_records("The Tánaiste met his Chilean counterpart in Dublin today.", title="Tánaiste meets counterpart",
                        published=datetime.date(2025, 5, 5), country="IE")
    assert {(p.name, p.title, p.country) for m in r.meetings for p in m.participants} == {
        (None, "Tánaiste", "IE"), (None, "Chilean counterpart", "CL")}


def test_more_encounter_phrasings_and_a_call_title_between_two_sides() -> None:
    def kinds(text: str, title: str | None = None) -> list[tuple[str, set[str | None]]]:
        r = extract_records(text, title=title, published=datetime.date(2025, 3, 5), country="AZ")
        return [(m.kind, {p.name for p in m.participants}) for m in r.meetings]

    sides = {"Elchin Aliyev", "Ana Soto"}
    assert kinds("Foreign Minister Elchin Aliyev sat down with Minister of Foreign Affairs of Chile Ana Soto on "
                 "3 March 2025.") == [("meeting", sides)]
    assert kinds("Foreign Minister Elchin Aliyev had a working dinner with Minister of Foreign Affairs of Chile Ana "
                 "Soto.") == [("meeting", sides)]
    assert kinds("Foreign Minister Elchin Aliyev and Minister of Foreign Affairs of Chile Ana Soto exchanged views by "
                 "phone.") == [("phone_call", sides)]
    assert kinds("The ministers discussed bilateral relations.",
                 "Phone call between Foreign Minister Elchin Aliyev and Chilean Foreign Minister Ana Soto") == [
        ("phone_call", sides)]
    assert kinds("Foreign Minister Elchin Aliyev will have a working dinner with Minister of Foreign Affairs of Chile "
                 "Ana Soto tomorrow.") == []


def test_appositive_titles_keep_accented_words_and_lose_the_meeting_place() -> None:
    def titles(who: str) -> set[tuple[str | None, str | None]]:
        r = extract_records(f"Minister Ana Soto met with {who} in Santiago on 3 March 2025.",
                            published=datetime.date(2025, 3, 5), country="CL")
        return {(p.name, p.title) for m in r.meetings for p in m.participants if p.name != "Ana Soto"}

    assert titles("Ms. Mei Lin-hua, Vice President of Taiwan") == {("Mei Lin-hua", "Vice President of Taiwan")}
    assert titles("Dr. R. Kumar, External Affairs Minister of India") == {
        ("R. Kumar", "External Affairs Minister of India")}
    assert titles("Mr. Ali Demir, Ambassador of Türkiye") == {("Ali Demir", "Ambassador of Türkiye in Santiago")}
