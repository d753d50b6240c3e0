"""A small archive of invented releases in four languages, for the search, show and persons tests.

The texts are written for these tests (no real release is copied).
"""

from __future__ import annotations

import datetime as dt
import gzip

from db import documents, runs
from db.migrate import upgrade
from db.release import ReleaseRecord
from db.session import make_engine, make_sessionmaker
from tests.test_documents import M, P, R, S

EN_TEXT = ("On 4 March the Minister Anna Example received the Ambassador of Belarus, "
           "Ivan Sample. The sides discussed negotiations on a transit agreement. "
           "Anna Example stressed that the corridor must open this year.")
EN2_TEXT = ("Minister Anna Example held a telephone conversation with Ivan Sample about "
            "grain exports. Ivan Sample noted the progress of the talks.")
RU_TEXT = ("Министр Анна Пример встретилась с послом Иваном Образцовым. "
           "Анна Пример подчеркнула важность переговоров о транзите.")
AR_TEXT = "استقبل الوزير سامي مثال السفير بلافروف الصغير. وأكد الوزير أهمية المفاوضات."
ZH_TEXT = "外交部长王示例会见了白俄罗斯大使。双方讨论了过境协议谈判。"


def _release(url: str, title: str, text: str, language: str, published: dt.date,
             records: R) -> ReleaseRecord:
    body = f"<html><body><p>{text}</p></body></html>".encode()
    return ReleaseRecord(
        url=url, title=title, published=published, language=language, text=text,
        raw_html=gzip.compress(body), raw_hash=documents.content_hash(body.decode()),
        encoding="utf-8", http_status=200, fetched_at=dt.datetime(2024, 3, 5, tzinfo=dt.UTC),
        text_extractor="t-1", records=records, records_extractor="r-1")


def _span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


EN_STATEMENT = "Anna Example stressed that the corridor must open this year."
EN2_STATEMENT = "Ivan Sample noted the progress of the talks."
RU_STATEMENT = "Анна Пример подчеркнула важность переговоров о транзите."

RELEASES = [
    _release("https://mfa.example/az/1", "Minister received the Ambassador of Belarus",
             EN_TEXT, "en", dt.date(2024, 3, 4), R(
                 (M(dt.date(2024, 3, 4), "meeting", "Baku", (
                     P("Anna Example", "Minister of Foreign Affairs", "AZ", role="host"),
                     P("Ivan Sample", "Ambassador of Belarus", "BY", role="guest"))),),
                 (S("Anna Example", "stressed", EN_STATEMENT, *_span(EN_TEXT, EN_STATEMENT),
                    0),))),
    _release("https://mfa.example/az/2", "Telephone conversation on grain exports",
             EN2_TEXT, "en", dt.date(2025, 1, 20), R(
                 (M(dt.date(2025, 1, 20), "phone_call", None, (
                     P("Anna Example", "Minister of Foreign Affairs", "AZ"),
                     P("Ivan Sample", "Minister of Foreign Affairs of Belarus", "BY"))),),
                 (S("Ivan Sample", "noted", EN2_STATEMENT, *_span(EN2_TEXT, EN2_STATEMENT),
                    0),))),
    _release("https://mfa.example/az/3", "Встреча с послом", RU_TEXT, "ru",
             dt.date(2024, 6, 1), R(
                 (M(dt.date(2024, 6, 1), "meeting", None, (
                     P("Anna Example", "Министр иностранных дел", "AZ"),
                     P("Ivan Obraztsov", "Посол", "RU"))),),
                 (S("Anna Example", "подчеркнула", RU_STATEMENT,
                    *_span(RU_TEXT, RU_STATEMENT), 0),))),
    _release("https://mfa.example/az/4", "لقاء مع السفير", AR_TEXT, "ar", dt.date(2024, 7, 1),
             R((), ())),
    _release("https://mfa.example/az/5", "会见大使", ZH_TEXT, "zh", dt.date(2024, 8, 1),
             R((), ())),
]
OTHER = _release("https://mfa.example/by/1", "Talks on transit", "Negotiations on transit "
                 "continued in Minsk between the delegations.", "en", dt.date(2024, 5, 5),
                 R((), ()))


def store_archive(db_url: str, revision: str = "head") -> None:
    """Migrate ``db_url`` (to ``revision``) and store RELEASES under source az, OTHER under by."""
    engine = make_engine(db_url)
    upgrade(engine, revision)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        az = runs.ensure_source(s, key="az", country="AZ", ministry="MFA of AZ",
                                      listing_url="https://mfa.example/az")
        by = runs.ensure_source(s, key="by", country="BY", ministry="MFA of BY",
                                      listing_url="https://mfa.example/by")
        run = runs.start_run(s, source_id=az, base_url=None)
        for release in RELEASES:
            documents.store_release(s, source_id=az, run_id=run, release=release)
        documents.store_release(s, source_id=by, run_id=run, release=OTHER)
    engine.dispose()
