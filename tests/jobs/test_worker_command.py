"""`jobs worker`: several consumers share a queue, and only one should run the periodic tasks
(docs/operations.md), so the command can start one without them."""
from __future__ import annotations

import pytest

from contracts_app.queue import huey


class _Consumer:
    def run(self) -> None:
        pass


@pytest.mark.parametrize("flag,periodic", [((), True), (("--no-periodic",), False), (("--periodic",), True)])
def test_worker_starts_a_consumer_with_or_without_periodic_tasks(app, monkeypatch, flag, periodic):
    started = {}
    monkeypatch.setattr(huey, "create_consumer", lambda **options: started.update(options) or _Consumer())
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "-w", "2", "-k", "process", *flag])
    assert result.exit_code == 0, result.output
    assert started == {"workers": 2, "worker_type": "process", "periodic": periodic}
    assert ("no periodic tasks" in result.output) is (not periodic)
