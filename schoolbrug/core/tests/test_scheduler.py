from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from schoolbrug.core import scheduler
from schoolbrug.core.models import JobRun, SchedulerLease

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
LEASE = timedelta(seconds=90)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, scheduler.Job]]:
    # Each test sees only the jobs it registers itself, and leaves the real registry as it was.
    registry: dict[str, scheduler.Job] = {}
    monkeypatch.setattr(scheduler, "_registry", registry)
    # As in a fresh process, the apps' jobs modules are not imported yet; one imported during the
    # test (by the discovery of run_scheduler) is forgotten again afterwards (the setitem's undo),
    # so its jobs land in the real registry when it is next imported.
    for app in apps.get_app_configs():
        module = f"{app.name}.jobs"
        monkeypatch.setitem(sys.modules, module, sys.modules.get(module))
        monkeypatch.delitem(sys.modules, module)
    yield registry


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def hourly(calls: list[str]) -> str:
    @scheduler.register_job("test.hourly", every=timedelta(hours=1))
    def hourly_job() -> None:
        calls.append("hourly")

    return "test.hourly"


def tick(holder: str, now: datetime) -> scheduler.TickResult:
    return scheduler.run_due_jobs(holder=holder, now=now, lease_for=LEASE)


def test_register_job_keeps_the_function_and_rejects_a_second_owner_of_a_name() -> None:
    def job() -> None:
        pass

    assert scheduler.register_job("test.job", every=timedelta(minutes=5))(job) is job
    assert [j.name for j in scheduler.registered_jobs()] == ["test.job"]

    def other() -> None:
        pass

    with pytest.raises(ValueError, match="already registered"):
        scheduler.register_job("test.job", every=timedelta(minutes=5))(other)
    with pytest.raises(ValueError, match="positive"):
        scheduler.register_job("test.never", every=timedelta(0))


def test_due_job_runs_and_not_again_before_its_interval(hourly: str, calls: list[str]) -> None:
    assert tick("a", T0).ran == [hourly]
    assert tick("a", T0 + timedelta(minutes=59)).ran == []
    assert tick("a", T0 + timedelta(hours=1)).ran == [hourly]
    assert calls == ["hourly", "hourly"]

    run = JobRun.objects.get(name=hourly)
    assert run.last_started_at == T0 + timedelta(hours=1)
    assert run.last_succeeded is True
    assert run.last_finished_at is not None


def test_a_restarted_scheduler_does_not_run_a_job_early(hourly: str, calls: list[str]) -> None:
    tick("first-process", T0)
    scheduler.release_lease(holder="first-process")

    result = tick("restarted-process", T0 + timedelta(minutes=10))

    assert result.leader is True
    assert result.ran == []
    assert calls == ["hourly"]


def test_a_second_scheduler_without_the_lease_runs_nothing(calls: list[str]) -> None:
    @scheduler.register_job("test.often", every=timedelta(seconds=1))
    def often() -> None:
        calls.append("often")

    assert tick("a", T0).leader is True
    result = tick("b", T0 + timedelta(seconds=30))

    assert result == scheduler.TickResult(leader=False)
    assert calls == ["often"]
    assert SchedulerLease.objects.get().holder == "a"


def test_the_leader_renews_its_lease_each_tick(hourly: str) -> None:
    tick("a", T0)
    tick("a", T0 + timedelta(seconds=60))

    # Without renewal the lease would have expired at T0 + 90 s.
    assert tick("b", T0 + timedelta(seconds=120)).leader is False
    assert SchedulerLease.objects.get().expires_at == T0 + timedelta(seconds=60) + LEASE


def test_an_expired_lease_lets_another_scheduler_take_over(hourly: str, calls: list[str]) -> None:
    tick("a", T0)

    assert tick("b", T0 + LEASE - timedelta(seconds=1)).leader is False
    taken = tick("b", T0 + timedelta(hours=1))

    assert taken.leader is True
    assert taken.ran == [hourly]
    assert tick("a", T0 + timedelta(hours=1, seconds=10)).leader is False
    assert calls == ["hourly", "hourly"]


def test_a_released_lease_is_free_at_once(hourly: str) -> None:
    tick("a", T0)
    scheduler.release_lease(holder="a")

    assert tick("b", T0 + timedelta(seconds=1)).leader is True


def test_releasing_someone_elses_lease_does_nothing(hourly: str) -> None:
    tick("a", T0)
    scheduler.release_lease(holder="b")

    assert tick("b", T0 + timedelta(seconds=1)).leader is False


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(
    calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    @scheduler.register_job("test.a_broken", every=timedelta(minutes=5))
    def broken() -> None:
        raise RuntimeError("mail server said no")

    @scheduler.register_job("test.b_fine", every=timedelta(minutes=5))
    def fine() -> None:
        calls.append("fine")

    with caplog.at_level(logging.INFO, logger="schoolbrug.scheduler"):
        result = tick("a", T0)

    assert result.failed == ["test.a_broken"]
    assert result.ran == ["test.b_fine"]
    failed_run = JobRun.objects.get(name="test.a_broken")
    assert failed_run.last_succeeded is False
    assert "mail server said no" in failed_run.last_error
    # A failed job waits for its interval like any other, rather than failing again every tick.
    assert tick("a", T0 + timedelta(minutes=1)).ran == []
    assert any("job test.a_broken failed" in record.getMessage() for record in caplog.records)
    assert any("job test.b_fine ran in" in record.getMessage() for record in caplog.records)


def test_run_scheduler_once_runs_due_jobs_and_frees_the_lease(
    hourly: str, calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="schoolbrug.scheduler"):
        call_command("run_scheduler", "--once")
        call_command("run_scheduler", "--once")

    assert calls == ["hourly"]
    assert SchedulerLease.objects.get().holder == ""
    assert any(f"job {hourly} ran in" in record.getMessage() for record in caplog.records)


def test_run_scheduler_once_leaves_the_jobs_to_the_leader(hourly: str, calls: list[str]) -> None:
    scheduler.acquire_lease(holder="long-running-loop", now=timezone.now(), duration=LEASE)

    call_command("run_scheduler", "--once")

    assert calls == []
    assert SchedulerLease.objects.get().holder == "long-running-loop"


def test_run_scheduler_once_fails_when_a_job_fails() -> None:
    @scheduler.register_job("test.broken", every=timedelta(minutes=5))
    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(CommandError, match=r"test\.broken"):
        call_command("run_scheduler", "--once")


def test_run_scheduler_discovers_the_jobs_modules_of_installed_apps(empty_registry: dict[str, scheduler.Job]) -> None:
    call_command("run_scheduler", "--once")

    assert {"core.prune_outgoing_mail", "portal.apply_module_schedules"} <= set(empty_registry)
    assert set(JobRun.objects.values_list("name", flat=True)) >= {
        "core.prune_outgoing_mail",
        "portal.apply_module_schedules",
    }
