"""Extraction quality of crawler.records over a labelled JSONL corpus.

Usage: python benchmarks/extraction_quality.py --corpus FILE [--verbose]
       python benchmarks/extraction_quality.py --mirror first|new|all [--language en] [--verbose]
       (--mirror scores the project's mirror sets, benchmarks/mirror_corpus.py, without a file)

Metrics
  meeting F1      is_meeting detection (a release "is a meeting" when extract_records returns >= 1 meeting)
  date            over true-positive meetings: gold meeting.date == first predicted meeting's date
                  (null == null counts as correct)
  kind            over true-positive meetings: gold top-level kind == first predicted meeting's kind
  participant F1  union of participants over meeting + sub_meetings vs union over predicted meetings,
                  computed on every release that is a meeting in gold or prediction. Named people match
                  by surname (last name token, case/diacritic-insensitive; any shared name token for
                  one-token names). Gold participants with name null: group entries (is_group) are
                  skipped; unnamed individuals match an unnamed prediction (name == title) of the same
                  country, or whose title overlaps.
  country         over matched participants: same ISO code (null == null counts as correct)
  speaker F1      per release, the set of *named people* statements are attributed to, micro-averaged over
                  ALL records (negatives included). Not counted on either side: null, "the sides", and
                  phrases that are offices or institutions rather than names (containing ministry,
                  department, service, side, spokes*, official, minister, secretary, secretariat, government, office,
                  embassy, or starting with "the"), nor states ("Malaysia condemns"); predicted speakers that
                  are unnamed participants (the
                  title phrase stands in for the name) are not counted either.
  statement F1    per statement: a gold statement and a predicted one match when their speakers agree and
                  their verbs have one lemma (crawler.records.verbs.verb_lemma of the gold verb == the
                  predicted verb_lemma). Speakers agree: both null (agentless), both joint (gold "the
                  sides", predicted joint), or the same person / unnamed title (surname rule above, or a
                  shared word of a title or side phrase; a gold side, "the Turkish side", and a
                  predicted participant of that side's country). Counted on releases that are meetings in gold
                  or prediction, and on negatives whose gold lists statements (negatives' gold is optional).
  unnamed         unnamed-participant accuracy: of the gold participants with name null that are not
                  groups (releases that are meetings in gold and prediction), the share matched by an
                  unnamed prediction (name null) of the same country and organisation.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.records import extract_records, records_to_json
from crawler.records.countries import find_countries
from crawler.records.verbs import verb_lemma

_NOT_NAME = re.compile(
    r"ministry|department|service|\bside\b|spokes|official|minister|secretary|secretariat|government|office|embassy|^the\b",
    re.IGNORECASE,
)


def _fold(s: str) -> str:
    s = s.replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s.]+", _fold(name)) if len(t) > 1 and t not in ("ii", "iii", "iv")]


def _surname(name: str) -> str:
    toks = _tokens(name)
    return toks[-1] if toks else _fold(name)


def _same_person(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if ta[-1] == tb[-1]:
        return True
    if len(ta) == 1 or len(tb) == 1:
        return bool(set(ta) & set(tb))
    return False


def _named_speaker(s: str | None) -> bool:
    """A person's name: not null, "the sides", an office or institution, nor a state ("Malaysia condemns")."""
    if not s or s == "the sides" or _NOT_NAME.search(s):
        return False
    states = find_countries(s)
    return not (states and states[0][0] == 0 and states[0][1] == len(s))


def _key(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p.get("name"),) if p.get("name") else (None, p.get("title"), p.get("country"), p.get("organisation"))


def _gold_participants(meeting: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    groups = [meeting.get("participants") or []] + [sm.get("participants") or [] for sm in meeting.get("sub_meetings") or []]
    for g in groups:
        for p in g:
            if p.get("is_group"):
                continue
            key = _surname(p["name"]) if p.get("name") else "?" + str(p.get("title")) + str(p.get("country"))
            if key in seen:
                continue
            seen.add(key)
            out.append(p)
    return out


def _match_participants(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    used: set[int] = set()
    for g in gold:
        for i, p in enumerate(pred):
            if i in used:
                continue
            p_unnamed = _unnamed(p)
            if g.get("name"):
                if not p_unnamed and _same_person(g["name"], p["name"]):
                    pairs.append((g, p))
                    used.add(i)
                    break
            elif p_unnamed and _unnamed_fits(g, p, [q for j, q in enumerate(pred) if j not in used and _unnamed(q)]):
                pairs.append((g, p))
                used.add(i)
                break
    return pairs


def _unnamed(p: dict[str, Any]) -> bool:
    """A predicted unnamed office holder: name null (or, before records-4, the title standing as name)."""
    return p.get("name") is None or p.get("name") == p.get("title")


_STOP = frozenset("the of and for to on in side sides delegation party mr ms dr minister".split())
_JOINT_GOLD = re.compile(r"^(?:the sides|both|both sides|they|the two \w+|the parties)$", re.IGNORECASE)


def _speaker_class(speaker: str | None, joint: bool) -> str:
    if joint or (speaker and _JOINT_GOLD.match(speaker.strip())):
        return "joint"
    return "none" if not speaker else "named"


_SIDE = re.compile(r"^(?:the\s+)?(?P<who>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s+(?:side|delegation)$", re.IGNORECASE)


def _same_speaker(g: dict[str, Any], p: dict[str, Any], countries: dict[str, str | None] | None = None) -> bool:
    gc = _speaker_class(g.get("speaker"), False)
    pc = _speaker_class(p.get("speaker"), bool(p.get("joint")))
    if gc != pc:
        return False
    if gc != "named":
        return True
    gs, ps = str(g["speaker"]), str(p["speaker"])
    if _same_person(gs, ps):
        return True
    side = _SIDE.match(gs)
    if side and countries is not None:
        # gold "the Turkish side", predicted the head of that side by name
        found = find_countries(side.group("who"))
        if found and countries.get(ps) == found[0][2]:
            return True
    gt = set(_tokens(gs)) - _STOP
    pt = set(_tokens(ps)) - _STOP
    return bool(gt & pt)


def _statement_pairs(gold: list[dict[str, Any]], pred: list[dict[str, Any]],
                     countries: dict[str, str | None] | None = None) -> int:
    used: set[int] = set()
    tp = 0
    for g in gold:
        lemma = verb_lemma(g.get("verb") or "")
        for i, p in enumerate(pred):
            if i in used:
                continue
            p_lemma = p.get("verb_lemma") or verb_lemma(p.get("verb") or "")
            if p_lemma == lemma and _same_speaker(g, p, countries):
                used.add(i)
                tp += 1
                break
    return tp


_TITLE_STOP = frozenset("of the to and for in".split())


def _unnamed_fits(g: dict[str, Any], p: dict[str, Any], free: list[dict[str, Any]]) -> bool:
    """An unnamed gold participant and an unnamed prediction: the same country (preferred when any free
    prediction has it), else titles sharing two words (of / the / to … not counted)."""
    if g.get("country") and g.get("country") == p.get("country"):
        return True
    if g.get("country") and any(q.get("country") == g.get("country") for q in free):
        return False  # a prediction of the right country is still free: keep this one for another
    gt = set(_tokens(g.get("title") or "")) - _TITLE_STOP
    pt = set(_tokens(p.get("title") or "")) - _TITLE_STOP
    return bool(gt and pt and len(gt & pt) >= min(2, len(pt)))


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _date(s: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(s) if s else None


def score(records: Iterable[dict[str, Any]], errors: list[str] | None = None) -> dict[str, Any]:
    """Score extract_records over labelled releases (corpus schema). Returns the metric dict."""
    m_tp = m_fp = m_fn = 0
    d_ok = d_n = k_ok = k_n = 0
    p_tp = p_fp = p_fn = 0
    c_ok = c_n = 0
    s_tp = s_fp = s_fn = 0
    st_tp = st_fp = st_fn = 0
    u_ok = u_n = 0
    n = 0
    err = errors if errors is not None else []
    for rec in records:
        n += 1
        rid = rec.get("id", "?")
        out = records_to_json(extract_records(
            rec["text"], title=rec.get("title"), published=_date(rec.get("published")),
            country=rec.get("ministry_country"),
        ))
        pred_meet = bool(out["meetings"])
        gold_meet = bool(rec.get("is_meeting"))
        if pred_meet and gold_meet:
            m_tp += 1
        elif pred_meet:
            m_fp += 1
            err.append(f"{rid}: false meeting {out['meetings'][0]['kind']} {[p['name'] for p in out['meetings'][0]['participants']]}")
        elif gold_meet:
            m_fn += 1
            err.append(f"{rid}: missed meeting")
        gm = rec.get("meeting") or {}
        if pred_meet and gold_meet:
            pm = out["meetings"][0]
            d_n += 1
            k_n += 1
            if pm["date"] == gm.get("date"):
                d_ok += 1
            else:
                err.append(f"{rid}: date {pm['date']} != {gm.get('date')}")
            if pm["kind"] == gm.get("kind"):
                k_ok += 1
            else:
                err.append(f"{rid}: kind {pm['kind']} != {gm.get('kind')}")
        if pred_meet or gold_meet:
            gold_p = _gold_participants(gm) if gold_meet else []
            pred_p: list[dict[str, Any]] = []
            for m in out["meetings"]:
                for p in m["participants"]:
                    if p.get("group"):
                        continue
                    if not any(_key(p) == _key(q) for q in pred_p):
                        pred_p.append(p)
            pairs = _match_participants(gold_p, pred_p)
            p_tp += len(pairs)
            p_fn += len(gold_p) - len(pairs)
            p_fp += len(pred_p) - len(pairs)
            matched_g = [id(g) for g, _ in pairs]
            matched_p = [id(p) for _, p in pairs]
            for g in gold_p:
                if id(g) not in matched_g:
                    err.append(f"{rid}: missed participant {g.get('name') or g.get('title')} ({g.get('country')})")
            for p in pred_p:
                if id(p) not in matched_p:
                    err.append(f"{rid}: extra participant {p['name']} ({p['country']})")
            if pred_meet and gold_meet:
                for g in gold_p:
                    if g.get("name"):
                        continue
                    u_n += 1
                    if any(gg is g and _unnamed(p) and p.get("country") == g.get("country")
                           and (p.get("organisation") or None) == (g.get("organisation") or None) for gg, p in pairs):
                        u_ok += 1
                    else:
                        err.append(f"{rid}: unnamed {g.get('title')} ({g.get('country')}) not found as unnamed")
            for g, p in pairs:
                c_n += 1
                if g.get("country") == p.get("country"):
                    c_ok += 1
                else:
                    err.append(f"{rid}: country of {p['name']}: {p['country']} != {g.get('country')}")
        if pred_meet or gold_meet or rec.get("statements"):
            gold_st = list(rec.get("statements") or [])
            countries = {p["name"]: p["country"] for m in out["meetings"] for p in m["participants"] if p["name"]}
            tp = _statement_pairs(gold_st, out["statements"], countries)
            st_tp += tp
            st_fn += len(gold_st) - tp
            st_fp += len(out["statements"]) - tp
            if tp < max(len(gold_st), len(out["statements"])):
                err.append(f"{rid}: statements {tp}/{len(gold_st)} gold, {len(out['statements'])} predicted: "
                           f"gold {[(g.get('speaker'), verb_lemma(g.get('verb') or '')) for g in gold_st]} "
                           f"pred {[(p['speaker'] if not p.get('joint') else 'joint', p.get('verb_lemma')) for p in out['statements']]}")
        gold_s = {_surname(s["speaker"]): s["speaker"] for s in rec.get("statements") or [] if _named_speaker(s.get("speaker"))}
        unnamed = {p["title"] if p["name"] is None else p["name"] for m in out["meetings"] for p in m["participants"]
                   if _unnamed(p)}
        pred_s = {_surname(s["speaker"]): s["speaker"] for s in out["statements"]
                  if _named_speaker(s.get("speaker")) and s["speaker"] not in unnamed}
        for gv in gold_s.values():
            if any(_same_person(gv, pv) for pv in pred_s.values()):
                s_tp += 1
            else:
                s_fn += 1
                err.append(f"{rid}: missed speaker {gv}")
        for pv in pred_s.values():
            if not any(_same_person(gv, pv) for gv in gold_s.values()):
                s_fp += 1
                err.append(f"{rid}: extra speaker {pv}")
    return {
        "records": n,
        "meeting_f1": _f1(m_tp, m_fp, m_fn),
        "date_accuracy": d_ok / d_n if d_n else 1.0,
        "kind_accuracy": k_ok / k_n if k_n else 1.0,
        "participant_f1": _f1(p_tp, p_fp, p_fn),
        "country_accuracy": c_ok / c_n if c_n else 1.0,
        "speaker_f1": _f1(s_tp, s_fp, s_fn),
        "statement_f1": _f1(st_tp, st_fp, st_fn),
        "unnamed_accuracy": u_ok / u_n if u_n else 1.0,
        "counts": {"statement": (st_tp, st_fp, st_fn), "unnamed": (u_ok, u_n),"meeting": (m_tp, m_fp, m_fn), "date": (d_ok, d_n), "kind": (k_ok, k_n),
                   "participant": (p_tp, p_fp, p_fn), "country": (c_ok, c_n), "speaker": (s_tp, s_fp, s_fn)},
    }


TARGETS = {"meeting_f1": 0.97, "date_accuracy": 0.95, "kind_accuracy": 0.92, "participant_f1": 0.95,
           "country_accuracy": 0.95, "speaker_f1": 0.90, "statement_f1": 0.90, "unnamed_accuracy": 0.80}


def load(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--corpus")
    src.add_argument("--mirror", choices=("first", "new", "all"))
    ap.add_argument("--language", default="en", help="with --mirror: sources of this language only (default en)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    errors: list[str] = []
    if args.mirror:
        from benchmarks.mirror_corpus import convert

        corpus = convert(args.mirror, args.language or None)
    else:
        corpus = load(args.corpus)
    res = score(corpus, errors)
    print(f"records: {res['records']}")
    print(f"{'metric':<18}{'value':>8}{'target':>8}  counts")
    for k, t in TARGETS.items():
        ck = k.split("_")[0]
        print(f"{k:<18}{res[k]:>8.3f}{t:>8.2f}  {res['counts'][ck]}{'' if res[k] >= t else '  BELOW'}")
    if args.verbose:
        for e in errors:
            print("  " + e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
