"""Run folders (`hydra.run.dir`): a run never deletes or writes into a folder it did not create,
and a folder that cannot take a run (a file, a read-only or full disk, one left by a killed run)
is refused with one line saying what to do, exit code 2.

The command-line tests run the real `run.py` in subprocesses; the read-only and full-disk tests
mount a small tmpfs (root only, skipped otherwise with the reason).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model.params import ConfigError
from model.runner import (RUNNING, check_run_dir, claim_run_dir, discard_empty_run_dir,
                          release_run_dir)
from tests.conftest import ROOT

# A small run of the real command line: one year, no figures (about 4 s here).
QUICK = ["end_year=2019", "figures=false", "progress=false"]


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def one_error_line(stderr: str) -> str:
    """The refusal: exactly one line on stderr, starting with `error:`."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr[-2000:]
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def wait_for(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


# ------------------------------------------------------------------ two runs, one folder


@pytest.mark.slow
def test_two_runs_started_together_into_one_folder_leave_the_winners_folder_intact(tmp_path):
    out = tmp_path / "shared"
    # Different seeds: the folder's config, summary and log must all be the winner's.
    procs = [start_cli(f"hydra.run.dir={out}", f"seed={seed}", *QUICK) for seed in (1, 2)]
    results = [(p, *p.communicate(timeout=600)) for p in procs]
    codes = sorted(p.returncode for p, _, _ in results)
    assert codes == [0, 2], [(p.returncode, err[-1500:]) for p, _, err in results]
    (winner, _, _), = [r for r in results if r[0].returncode == 0]
    (_, _, loser_err), = [r for r in results if r[0].returncode == 2]
    seed = 1 + procs.index(winner)
    line = one_error_line(loser_err)
    assert str(out) in line
    # Started together, the loser is normally refused while the winner writes; on a very busy
    # machine it may start after the winner finished, and is then refused for the results.
    assert (f"another run is writing into {out} (pid {winner.pid} on " in line
            and "hydra.run.dir=NEW_FOLDER" in line
            or "already holds results" in line), line
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([".hydra", "run.log", "calibration.csv", "cohorts.parquet",
                            "corridor_timeseries.parquet", "corridors.csv",
                            "country_roles.parquet", "country_timeseries.csv", "summary.json",
                            "timeseries.csv", "timing.json"]), names
    overrides = (out / ".hydra" / "overrides.yaml").read_text()
    assert f"seed={seed}" in overrides and f"seed={3 - seed}" not in overrides
    assert json.loads((out / "summary.json").read_text())["seed"] == seed
    log = (out / "run.log").read_text()
    assert log.count("world default:") == 1 and log.count("steps in") == 1, log


@pytest.mark.slow
def test_a_run_started_while_another_writes_is_refused_and_changes_nothing(tmp_path):
    out = tmp_path / "busy"
    first = start_cli(f"hydra.run.dir={out}", "seed=5", *QUICK)
    try:
        wait_for(lambda: (out / ".hydra" / "overrides.yaml").exists(), "the first run's .hydra")
        # Paused (not ended) while the second starts, so that it is still writing whatever the
        # machine's speed.
        first.send_signal(signal.SIGSTOP)
        assert (out / RUNNING).exists()
        marker = json.loads((out / RUNNING).read_text())
        assert marker["pid"] == first.pid and marker["host"] == socket.gethostname()
        second = run_cli(f"hydra.run.dir={out}", "seed=6", *QUICK)
    finally:
        first.send_signal(signal.SIGCONT)
        _, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err[-1500:]
    assert second.returncode == 2
    line = one_error_line(second.stderr)
    assert f"another run is writing into {out} (pid {first.pid} on {socket.gethostname()}, " \
        "started " in line
    assert "wait for it to finish or pass hydra.run.dir=NEW_FOLDER" in line
    assert "seed=5" in (out / ".hydra" / "overrides.yaml").read_text()
    assert json.loads((out / "summary.json").read_text())["seed"] == 5
    assert not (out / RUNNING).exists()


def test_a_refused_run_never_deletes_a_folder_another_process_claimed(tmp_path):
    """What a refused run's clean-up used to do: a folder holding only Hydra's files and another
    run's marker was removed. Now only what this process created is removed."""
    other = subprocess.Popen(["sleep", "60"])  # a live process standing for the other run
    try:
        out = tmp_path / "theirs"
        (out / ".hydra").mkdir(parents=True)
        (out / ".hydra" / "config.yaml").write_text("seed: 1\n")
        (out / "run.log").write_text("their log\n")
        (out / RUNNING).write_text(json.dumps({"pid": other.pid, "host": socket.gethostname()}))
        before = snapshot(out)
        with pytest.raises(ConfigError, match=rf"another run is writing into {out} \(pid {other.pid} on "):
            check_run_dir(out)
        with pytest.raises(ConfigError, match=rf"another run is writing into {out} \(pid {other.pid} on "):
            claim_run_dir(out)
        discard_empty_run_dir(out)
        assert snapshot(out) == before
    finally:
        other.kill()
        other.wait()


def test_a_marker_just_created_and_not_yet_written_is_read_once_written(tmp_path):
    """Two runs started together: the loser may read the winner's marker between its exclusive
    creation and the write of its pid; it waits for the pid instead of calling it unknown."""
    import threading

    out = tmp_path / "racing"
    out.mkdir()
    (out / RUNNING).touch()
    info = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
    writer = threading.Timer(0.3, (out / RUNNING).write_text, args=(info,))
    writer.start()
    with pytest.raises(ConfigError, match=rf"another run is writing into {out} \(pid {os.getpid()} on "):
        check_run_dir(out)
    writer.join()


def test_a_claim_is_exclusive_and_discarding_removes_only_what_this_process_created(tmp_path):
    new = tmp_path / "new"
    marker = claim_run_dir(new)
    assert json.loads(marker.read_text())["pid"] == os.getpid()
    with pytest.raises(ConfigError, match="another run"):
        claim_run_dir(new)
    assert json.loads(marker.read_text())["pid"] == os.getpid()  # the refusal left it alone
    (new / ".hydra").mkdir()
    (new / "run.log").write_text("log")
    discard_empty_run_dir(new)
    assert not new.exists()  # created here, holding only what this process wrote

    mine = tmp_path / "mine"  # an empty folder the user made: kept, emptied of ours only
    (mine / ".hydra").mkdir(parents=True)
    (mine / ".hydra" / "note.txt").write_text("the user's")
    claim_run_dir(mine)
    (mine / "run.log").write_text("log")
    discard_empty_run_dir(mine)
    assert sorted(p.name for p in mine.iterdir()) == [".hydra"]
    assert (mine / ".hydra" / "note.txt").read_text() == "the user's"

    kept = tmp_path / "kept"  # a run that wrote outputs: they stay, the marker goes
    claim_run_dir(kept)
    (kept / "timeseries.csv").write_text("step\n1\n")
    discard_empty_run_dir(kept)
    assert sorted(p.name for p in kept.iterdir()) == ["timeseries.csv"]
    release_run_dir(kept)  # nothing held any more: a no-op


# ------------------------------------------------------------------ a killed run's folder


@pytest.mark.slow
def test_a_killed_runs_folder_says_how_to_clear_it_and_the_advice_works(tmp_path):
    out = tmp_path / "killed"
    victim = start_cli(f"hydra.run.dir={out}", "seed=3", "figures=false", "progress=false")
    try:
        wait_for(lambda: "world default:" in ((out / "run.log").read_text()
                                              if (out / "run.log").exists() else ""),
                 "the run to start stepping")
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    assert (out / RUNNING).exists()
    before = snapshot(out)

    again = run_cli(f"hydra.run.dir={out}", "seed=3", *QUICK)
    assert again.returncode == 2
    line = one_error_line(again.stderr)
    assert f"{out} holds an unfinished run: the run that wrote it (pid {victim.pid} on " in line
    assert "is no longer running (it was killed or stopped) and its files are kept" in line
    assert f"remove the folder (rm -r {shlex.quote(str(out))})" in line
    command = line.split("start anew elsewhere: ")[1]
    assert command == "python run.py hydra.run.dir=NEW_FOLDER seed=3 figures=false progress=false"
    assert snapshot(out) == before  # refused: nothing written, nothing removed

    # The advice, followed: the command given runs into a new folder.
    elsewhere = tmp_path / "elsewhere"
    args = shlex.split(command.replace("NEW_FOLDER", str(elsewhere)))[2:]
    rerun = run_cli(*args, "end_year=2019")
    assert rerun.returncode == 0, rerun.stderr[-1500:]
    assert json.loads((elsewhere / "summary.json").read_text())["seed"] == 3


@pytest.mark.parametrize("marker, words", [
    # The marker of an earlier version holds only the pid.
    (lambda: str(dead_pid()), ["holds an unfinished run", "is no longer running"]),
    # The pid is alive but was reused by another process (its start time differs).
    (lambda: json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                         "proc_start": "1", "started": "2026-01-01 00:00:00"}),
     ["is no longer running", "started 2026-01-01 00:00:00"]),
    # Written from another machine sharing the disk: it cannot be checked from here.
    (lambda: json.dumps({"pid": 4242, "host": "elsewhere.example"}),
     ["(pid 4242 on elsewhere.example)", "cannot be checked from here",
      "if it is no longer running, remove the folder"]),
])
def test_a_left_marker_is_explained_from_what_it_records(tmp_path, marker, words):
    out = tmp_path / "left"
    out.mkdir()
    (out / RUNNING).write_text(marker())
    (out / "timeseries.csv").write_text("step\n1\n")  # cut short by the kill
    with pytest.raises(ConfigError) as info:
        check_run_dir(out)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    assert f"rm -r {out}" in message and "hydra.run.dir=NEW_FOLDER" in message
    discard_empty_run_dir(out)
    assert sorted(p.name for p in out.iterdir()) == [RUNNING, "timeseries.csv"]


# ------------------------------------------------------------------ folders that cannot take a run


@pytest.mark.slow
def test_a_file_named_as_the_run_folder_is_refused_in_one_line(tmp_path):
    file = tmp_path / "results.txt"
    file.write_text("a user's file")
    for target, words in ((file, "is a file, not a folder"),
                          (file / "run", f"is inside {file}, which is a file")):
        proc = run_cli(f"hydra.run.dir={target}", *QUICK)
        assert proc.returncode == 2
        line = one_error_line(proc.stderr)
        assert f"hydra.run.dir={target} {words}" in line and "NEW_FOLDER" in line
    assert file.read_text() == "a user's file"


@pytest.fixture
def tmpfs(tmp_path):
    """mount(size, read_only) -> a freshly mounted tmpfs folder (root only); unmounted after."""
    mounted = []

    def mount(size: str = "200k", read_only: bool = False) -> Path:
        where = tmp_path / f"mnt{len(mounted)}"
        where.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {proc.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", str(where)], check=True)


@pytest.mark.slow
def test_a_read_only_folder_is_refused_in_one_line(tmpfs):
    # As root, chmod does not stop writes: a read-only mount does.
    ro = tmpfs(read_only=True)
    for target, words in ((ro / "run", f"cannot create the run folder {ro / 'run'}: "),
                          (ro, f"cannot write into {ro}: ")):
        proc = run_cli(f"hydra.run.dir={target}", *QUICK)
        assert proc.returncode == 2
        line = one_error_line(proc.stderr)
        assert words + "it is on a read-only file system; pass hydra.run.dir=NEW_FOLDER" in line
    assert list(ro.iterdir()) == []


@pytest.mark.slow
def test_a_full_disk_ends_the_run_in_one_line_naming_the_folder_and_what_was_kept(tmpfs):
    disk = tmpfs("200k")  # the outputs of one year take about 390 kB
    out = disk / "run"
    proc = run_cli(f"hydra.run.dir={out}", *QUICK)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert line.startswith(f"error: cannot write the outputs into {out}: its disk is full; "
                           "the files written so far are kept there ("), line
    kept = line.split("kept there (")[1].split(", possibly cut short)")[0].split(", ")
    on_disk = sorted(p.name for p in out.iterdir() if p.name not in (".hydra", "run.log"))
    assert kept == on_disk and len(kept) >= 1
    assert sum((out / name).stat().st_size for name in kept) > 100_000
    assert not (out / RUNNING).exists()
    assert "free some space or pass hydra.run.dir=NEW_FOLDER on another disk" in line


@pytest.mark.slow
def test_a_disk_full_before_the_run_is_refused_and_leaves_no_folder(tmpfs):
    disk = tmpfs("64k")
    filler = disk / "filler"
    with pytest.raises(OSError):
        with open(filler, "wb") as fh:
            fh.write(b"x" * 200_000)
    out = disk / "run"
    proc = run_cli(f"hydra.run.dir={out}", *QUICK)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert f"cannot write into {out}: its disk is full; pass hydra.run.dir=NEW_FOLDER" in line
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]
