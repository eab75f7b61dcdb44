"""Evaluation against judged queries: `kb eval`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .group import _open, _progress, cli


@cli.command(name="eval")
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_(ctx: click.Context, qrels: Path, as_json: bool) -> None:
    """Score retrieval on judged queries (JSONL): the lexical leg, plain cosine, de-biasing methods and the hybrid,
    per language pair and per half (tuning / held-out), with the good-match cut-off."""
    from ..evaluate import evaluate, evaluate_cutoff, load_qrels

    kb = _open(ctx)
    practices = kb.store.list()
    try:
        judged = load_qrels(qrels, practices)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    with _progress(len(kb.store.passage_ids()), "passage", "Embedding") as bar:
        runs = kb.evaluation_runs(progress=bar.update)
    default = lambda q: [(h.practice.id, h.match == "good") for h in kb.search(q, k=10)]  # noqa: E731
    halves = judged.splits or [""]
    results = {half or "all": {"variants": {name: evaluate(judged, ranker, half) for name, ranker in runs},
                               "cutoff": evaluate_cutoff(judged, default, half)} for half in halves}
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    click.echo(f"{len(judged.judged)} queries over {len(practices)} practices, model {kb.embedder.model_id}")
    if judged.unstored:
        click.echo(f"{len(judged.unstored)} judged texts are not in the knowledge base (ingest found no practice in "
                   f"them), counted as misses: {', '.join(sorted(judged.unstored))}")
    for half, result in results.items():
        _print_half(half, len(judged.half("" if half == "all" else half)), result)


def _print_half(half: str, queries: int, result: dict) -> None:
    variants = result["variants"]
    names = list(variants)
    title = {"tune": "tuning half", "held-out": "held-out half (no choice was made on it)"}.get(half, half)
    click.echo(f"\n== {title}: {queries} queries ==")
    click.echo("nDCG@10 for each variant (lexical alone, then dense ones adding one thing each); for the default "
               "also recall@5, recall@10, MRR@10 and each pair's share of the ideal ranking's score.\n")
    width = max(len(n) for n in names) + 2
    click.echo(f"{'pair':8}{'n':>4}" + "".join(f"{n:>{width}}" for n in names)
               + f"{'R@5':>7}{'R@10':>7}{'MRR':>7}{'share':>7}")
    for key in ["all"] + sorted(k for k in variants[names[-1]] if k not in ("all", "favouritism")):
        row = [variants[n].get(key, {}) for n in names]
        last = row[-1]
        share = f"{last['share']:>7.2f}" if "share" in last else " " * 7
        click.echo(f"{key:8}{int(last.get('queries', 0)):>4}" + "".join(f"{r.get('ndcg@10', 0):>{width}.3f}" for r in row)
                   + f"{last.get('recall@5', 0):>7.3f}{last.get('recall@10', 0):>7.3f}{last.get('mrr@10', 0):>7.3f}"
                   + share)
    fav = variants[names[-1]].get("favouritism")
    if fav:
        click.echo(f"\nlanguage favouritism (mean same-language share minus mean cross-language share): "
                   f"{fav['difference']:+.3f} ({fav['same']:.3f} - {fav['cross']:.3f})")
    cut = result["cutoff"]
    if cut["nonsense"]:
        click.echo(f"cut-off: {cut['no_good_match']:.0%} of {cut['nonsense']} nonsense or off-topic queries get "
                   "no good match")
    if cut["judged"]:
        click.echo(f"cut-off: {cut['lost_answer']:.1%} of {cut['judged']} judged queries have an answer (grade 2) "
                   f"in the first 10 below it; {cut['good_shown']:.1f} good matches shown on average")
