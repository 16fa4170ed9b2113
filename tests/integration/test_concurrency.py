"""Concurrent completions on one instance never lose or mix state (real threads)."""

from __future__ import annotations

import itertools
import threading
from typing import Any

from flask import Flask

from tests.api_client import ApiClient
from tests.conftest import FIXTURES


def _race(app: Flask, calls: list[tuple[str, dict[str, str]]]) -> list[Any]:
    """Fire the requests from separate threads, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, url: str, headers: dict[str, str]) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(url, headers=headers, json={"data": {}})
            results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=worker, args=(i, url, headers))
               for i, (url, headers) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_reviewers_completing_parallel_tasks_both_succeed_in_turn(
        app: Flask, api: ApiClient) -> None:
    bpmn = (FIXTURES / "parallel_review.bpmn").read_bytes()
    assert api.deploy_files({"parallel_review.bpmn": bpmn}).status_code == 201
    for round_no in range(5):
        instance = api.start("parallel_review", as_="zhang").get_json()
        tasks = {t["task_name"]: t["id"] for t in instance["open_tasks"]}
        assert set(tasks) == {"review_a", "review_b"}
        api.claim(tasks["review_a"], as_="zhang")
        api.claim(tasks["review_b"], as_="li")
        results = _race(app, [
            (f"/api/v1/tasks/{tasks['review_a']}/complete", api.headers("zhang")),
            (f"/api/v1/tasks/{tasks['review_b']}/complete", api.headers("li")),
        ])
        codes = sorted(code for code, _ in results)
        assert codes in ([200, 200], [200, 409]), (round_no, results)
        final = api.instance(instance["id"])
        completed = {s["task_name"] for s in final["completed_steps"]}
        if codes == [200, 200]:
            assert final["status"] == "completed"
            assert completed == {"review_a", "review_b"}
        else:
            # the loser got a clean 409 and can simply retry
            assert len(completed) == 1 and final["status"] == "running"
        events = api.events(instance["id"])
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        for earlier, later in itertools.pairwise(events):
            assert later["prev_hash"] == earlier["hash"]


def test_double_submit_of_one_task_completes_it_exactly_once(app: Flask,
                                                             api: ApiClient) -> None:
    bpmn = (FIXTURES / "parallel_review.bpmn").read_bytes()
    api.deploy_files({"parallel_review.bpmn": bpmn})
    instance = api.start("parallel_review", as_="zhang").get_json()
    task_id = next(t["id"] for t in instance["open_tasks"] if t["task_name"] == "review_a")
    api.claim(task_id, as_="zhang")
    url = f"/api/v1/tasks/{task_id}/complete"
    results = _race(app, [(url, api.headers("zhang")) for _ in range(4)])
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409, 409, 409], results
    events = api.events(instance["id"])
    assert sum(1 for e in events if e["kind"] == "task_completed") == 1
