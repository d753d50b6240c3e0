"""db.runs and the run reads of db.queries: the last run per source is one query."""

from __future__ import annotations

from sqlalchemy import event

from db import frontier, queries, runs
from db.migrate import upgrade
from db.runs import RunCounts
from db.session import make_engine, make_sessionmaker, read_session, transaction


def test_last_run_per_source_and_runs_with_errors(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    ids: dict[str, list[int]] = {"az": [], "by": []}
    with transaction(sessions) as s:
        source = {key: runs.ensure_source(s, key=key, country=key.upper(), ministry="MFA",
                                          listing_url=f"https://{key}.example/news")
                  for key in ("az", "by", "cu")}
        for key in ("az", "by", "az", "az", "by"):  # interleaved: the newest is the highest id
            ids[key].append(runs.start_run(s, source_id=source[key], base_url=None))
        frontier.record_failure(s, source_id=source["az"], run_id=ids["az"][-1],
                                url="https://az.example/1", reason="HTTP 500")
        frontier.record_failure(s, source_id=source["az"], run_id=ids["az"][-1],
                                url="https://az.example/2", reason="blocked", blocked=True,
                                release=False)
        runs.finish_run(s, ids["by"][-1], status="completed", finish_reason="finished",
                        counts=RunCounts(releases_new=3))
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    with read_session(engine) as session:
        last = queries.last_run_per_source(session)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # one query, whatever the number of runs
    assert {key: run.id for key, run in last.items()} == {"az": ids["az"][-1],
                                                          "by": ids["by"][-1]}
    assert last["by"].status == "completed" and last["by"].releases_new == 3
    assert last["az"].status == "running"

    with read_session(engine) as session:
        rows = queries.recent_runs(session, "az", limit=2)
        errors = queries.run_errors(session, [run.id for run, _ in rows])
    assert [(run.id, key) for run, key in rows] == [(ids["az"][2], "az"), (ids["az"][1], "az")]
    assert errors == {ids["az"][2]: [("https://az.example/1", "HTTP 500", False),
                                     ("https://az.example/2", "blocked", True)],
                      ids["az"][1]: []}
    engine.dispose()
