"""Run folders: a run writes only into a new or empty folder, and claims it first.

A run never writes into a folder that already holds results, and never deletes or writes into
a folder another run claimed: the `.running` marker, created exclusively, records who claimed
it (pid, host, start), so a killed run's folder says how to clear it. `model.runner.run` claims
its folder here; `model.cli` claims an explicit `hydra.run.dir` before Hydra writes into it
(`claim_argv_run_dir`) and cleans up after bad input (`discard_empty_run_dir`).
"""

from __future__ import annotations

import atexit
import errno
import json
import os
import shlex
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf

from model.outputs import RESULT_FILES
from model.params import ConfigError


# What Hydra itself writes into a job's folder before the job starts.
HYDRA_OWN = frozenset({".hydra", "run.log", "run.py.log"})
# Marks a folder a run is writing into: created exclusively (O_EXCL) by the one run that claims
# the folder, holding its pid, host and start; removed when the run is written.
RUNNING = ".running"
# Write errors that mean "this folder cannot take the outputs", not a fault of the model.
_FOLDER_ERRNOS = {errno.ENOSPC: "its disk is full", errno.EDQUOT: "its disk quota is used up",
                  errno.EROFS: "it is on a read-only file system",
                  errno.EACCES: "permission denied", errno.EPERM: "permission denied"}


@dataclass
class _Claim:
    """A folder this process claimed: its marker, whether this process created the folder, and
    what the folder held before (the only things `discard_empty_run_dir` may not remove)."""

    marker: Path
    created: bool
    before: frozenset[str]


# The folders this process claimed (absolute paths), and those the command line claimed before
# Hydra started, for its job to take over (`claim_argv_run_dir`).
_CLAIMS: dict[Path, _Claim] = {}
_HANDED: set[Path] = set()
_HOST = socket.gethostname()
# Hydra's flags after which no single job runs into hydra.run.dir.
NO_JOB_FLAGS = frozenset({"-m", "--multirun", "-h", "--help", "--hydra-help", "-c", "--cfg",
                          "-i", "--info", "--resolve", "-sc", "--shell-completion", "-p",
                          "--package"})


def _key(out_dir: Path) -> Path:
    # As Hydra names a job's folder (os.path.abspath: relative to the working directory,
    # symlinks kept), so the command line's claim and the job's folder compare equal.
    return Path(os.path.abspath(out_dir))


def _proc_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc; None elsewhere): a pid
    reused by another process after the run died has another start time."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        fields = text[text.rindex(")") + 2:].split()
    except (OSError, ValueError):
        return None
    return None if fields[0] == "Z" else fields[19]  # a zombie has finished already


def _marker_info(marker: Path) -> dict:
    """The marker's pid, host and start (a marker of an older version holds only the pid)."""
    for _ in range(20):
        try:
            text = marker.read_text().strip()
        except OSError:
            return {}
        if text:
            break
        # Created (O_EXCL) but not yet written: the claiming run writes it a moment later.
        time.sleep(0.05)
    try:
        info = json.loads(text)
    except ValueError:
        return {}
    if isinstance(info, int):
        return {"pid": info}
    return info if isinstance(info, dict) else {}


def _writer_alive(info: dict) -> bool | None:
    """Whether the process that wrote a marker still runs; None when that cannot be told (no
    pid, or another host sharing the disk)."""
    pid = info.get("pid")
    if not isinstance(pid, int) or pid <= 0 or info.get("host", _HOST) != _HOST:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's live process
    except OSError:
        return None
    now = _proc_start(pid)
    if Path(f"/proc/{pid}").exists() and now is None:
        return False  # a zombie: it has exited
    if now is not None and info.get("proc_start") not in (None, now):
        return False  # the pid now belongs to another process
    return True


def _running_message(out_dir: Path) -> str:
    """Why a folder holding a `.running` marker is refused, with what to do about it."""
    info = _marker_info(out_dir / RUNNING)
    pid, host, started = info.get("pid"), info.get("host"), info.get("started")
    parts = [" on ".join(str(x) for x in (f"pid {pid}" if pid else None, host) if x),
             f"started {started}" if started else ""]
    who = ", ".join(x for x in parts if x)
    who = f" ({who})" if who else ""
    alive = _writer_alive(info)
    again = _rerun_command(out_dir)
    if alive:
        return (f"another run is writing into {out_dir}{who}; wait for it to finish or pass "
                "hydra.run.dir=NEW_FOLDER")
    quoted = shlex.quote(str(out_dir))
    if alive is False:
        return (f"{out_dir} holds an unfinished run: the run that wrote it{who} is no longer "
                f"running (it was killed or stopped) and its files are kept. To run there "
                f"again remove the folder (rm -r {quoted}), or start anew elsewhere: {again}")
    return (f"{out_dir} is marked as being written by a run{who} (marker {out_dir / RUNNING}) "
            f"that cannot be checked from here; if it is no longer running, remove the folder "
            f"(rm -r {quoted}) or start anew elsewhere: {again}")


def _rerun_command(out_dir: Path) -> str:
    """The command that runs a folder's settings (its .hydra/overrides.yaml) into a new one."""
    overrides: list[str] = []
    try:
        loaded = OmegaConf.load(out_dir / ".hydra" / "overrides.yaml")
        overrides = [str(o) for o in loaded if not str(o).startswith("hydra.run.dir=")]
    except Exception:  # no or unreadable overrides: the command without them
        pass
    return " ".join(["python run.py", "hydra.run.dir=NEW_FOLDER",
                     *(shlex.quote(o) for o in overrides)])


def _first_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_run_dir(out_dir: Path) -> None:
    """Refuse a folder that already holds a run's results or anyone's other files (never
    overwrite earlier outputs or a user's files), that another run is writing into or a killed
    run left (the message says how to clear it), or a path that is not a folder."""
    out_dir = Path(out_dir)
    existing = _first_existing(out_dir)
    if existing.exists() and not existing.is_dir():
        what = "is a file" if existing == out_dir else f"is inside {existing}, which is a file"
        raise ConfigError(f"hydra.run.dir={out_dir} {what}, not a folder: pass "
                          "hydra.run.dir=NEW_FOLDER (a new or empty folder)")
    if not out_dir.is_dir():
        return
    entries = {p.name for p in out_dir.iterdir()}
    if RUNNING in entries:
        raise ConfigError(_running_message(out_dir))
    found = [f for f in RESULT_FILES if f in entries]
    if found:
        raise ConfigError(f"{out_dir} already holds results ({', '.join(found)}); choose a new "
                          "hydra.run.dir (earlier outputs are never overwritten)")
    other = sorted(entries - HYDRA_OWN)
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        raise ConfigError(f"{out_dir} already holds other files ({shown}); a run writes only "
                          "into a new or empty folder: choose a new hydra.run.dir")


def _folder_error(out_dir: Path, err: OSError, doing: str) -> ConfigError:
    """One line for an OSError that means the folder cannot take a run (see _FOLDER_ERRNOS)."""
    why = _FOLDER_ERRNOS.get(err.errno, err.strerror or str(err))
    return ConfigError(f"cannot {doing} {out_dir}: {why}; pass hydra.run.dir=NEW_FOLDER on a "
                       "writable disk with free space")


def claim_run_dir(out_dir: Path, allow_existing: bool = False) -> Path:
    """Mark `out_dir` as being written by this run, atomically (the marker is created with
    O_EXCL): of two runs started into the same folder, the second is refused and touches
    nothing. With `allow_existing` (a sweep job re-run over a failed attempt) the folder's
    contents and any marker are taken over. Returns the marker (removed by `release_run_dir`,
    or with what this process created by `discard_empty_run_dir`)."""
    out_dir = Path(out_dir)
    if not allow_existing:
        check_run_dir(out_dir)
    created = False
    try:
        # mkdir of the last part without exist_ok tells whether this process created it.
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        out_dir.mkdir()
        created = True
    except FileExistsError:
        if not out_dir.is_dir():
            check_run_dir(out_dir)  # a file appeared there: refused with its message
    except OSError as err:
        raise _folder_error(out_dir, err, "create the run folder") from None
    before = frozenset(p.name for p in out_dir.iterdir())
    marker = out_dir / RUNNING
    flags = os.O_CREAT | os.O_WRONLY | (os.O_TRUNC if allow_existing else os.O_EXCL)
    try:
        fd = os.open(marker, flags, 0o644)
    except FileExistsError:
        raise ConfigError(_running_message(out_dir)) from None
    except OSError as err:
        _remove_created(out_dir, created)
        raise _folder_error(out_dir, err, "write into") from None
    info = {"pid": os.getpid(), "host": _HOST, "proc_start": _proc_start(os.getpid()),
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        os.write(fd, json.dumps(info).encode())
    except OSError as err:
        os.close(fd)
        marker.unlink(missing_ok=True)
        _remove_created(out_dir, created)
        raise _folder_error(out_dir, err, "write into") from None
    os.close(fd)
    _CLAIMS[_key(out_dir)] = _Claim(marker, created, before - {RUNNING})
    if not allow_existing:
        # A run may have finished there between the check and the claim: look again.
        try:
            _recheck_after_claim(out_dir)
        except ConfigError:
            release_run_dir(out_dir)
            raise
    return marker


def _recheck_after_claim(out_dir: Path) -> None:
    """The results check of `check_run_dir`, on a folder this process holds the marker of."""
    entries = {p.name for p in out_dir.iterdir()} - {RUNNING}
    found = [f for f in RESULT_FILES if f in entries]
    if found:
        raise ConfigError(f"{out_dir} already holds results ({', '.join(found)}); choose a new "
                          "hydra.run.dir (earlier outputs are never overwritten)")


def _remove_created(out_dir: Path, created: bool) -> None:
    if created:
        try:
            out_dir.rmdir()  # only if empty: nothing of anyone else's is removed
        except OSError:
            pass


def release_run_dir(out_dir: Path) -> None:
    """Remove this process's marker from `out_dir` and forget the claim (the run there is
    over); nothing else."""
    unmark(out_dir)
    _CLAIMS.pop(_key(out_dir), None)
    _HANDED.discard(_key(out_dir))


def unmark(out_dir: Path) -> None:
    """Remove this process's marker, keeping the claim's record for `discard_empty_run_dir`."""
    claim = _CLAIMS.get(_key(out_dir))
    if claim is not None and _marker_info(claim.marker).get("pid") == os.getpid():
        claim.marker.unlink(missing_ok=True)


def claim_argv_run_dir(argv: list[str]) -> Path | None:
    """Claim the folder an explicit `hydra.run.dir=DIR` names before Hydra writes `.hydra/`
    and `run.log` into it, so that of two runs started together into one folder the refused
    one writes nothing there. Only for a single run that Hydra will run (not `-m`, `--help`,
    `--cfg`, ...) and a plain path (one with an interpolation `${...}` is claimed by the job).
    The job (`run`) takes the claim over; what is left at exit is released (atexit)."""
    if any(a in NO_JOB_FLAGS or a.startswith(("--cfg=", "--package=")) for a in argv):
        return None
    values = [a.partition("=")[2] for a in argv if a.partition("=")[0].lstrip("+") ==
              "hydra.run.dir"]
    if not values or any(c in values[-1] for c in "$'\"\\") or not values[-1]:
        return None
    out_dir = Path(values[-1])
    claim_run_dir(out_dir)
    _HANDED.add(_key(out_dir))
    return out_dir


@atexit.register
def _release_all() -> None:
    # Claims still held at exit (Hydra refused the config before the job, or the run failed):
    # this process's markers go, and a folder it created that was left empty; the rest stays
    # (a failed run's log and partial outputs are for the user to read).
    for key, claim in list(_CLAIMS.items()):
        release_run_dir(key)
        _remove_created(key, claim.created)


def discard_empty_run_dir(out_dir: Path) -> None:
    """After bad input: remove what this process created in `out_dir` (its marker, Hydra's
    `.hydra/` and log, the folder itself if this process made it and it is left empty), when the
    folder holds nothing else (no result, no other file). A folder another run claimed is never
    touched: a refused run must not delete the winner's files."""
    out_dir = Path(out_dir)
    claim = _CLAIMS.pop(_key(out_dir), None)
    _HANDED.discard(_key(out_dir))
    if not out_dir.is_dir():
        return
    entries = {p.name for p in out_dir.iterdir()}
    if claim is None:
        # Not claimed here: Hydra's own folder of this job (new, named to the microsecond)
        # before the job claimed it. Another run's marker means it is not ours to clear.
        if RUNNING in entries or not entries or not entries <= HYDRA_OWN:
            return
        new = entries
    else:
        if claim.marker.exists() and _marker_info(claim.marker).get("pid") != os.getpid():
            return  # the marker is not this process's (taken over by a sweep's re-run)
        new = entries - claim.before
        if not new <= HYDRA_OWN | {RUNNING}:
            claim.marker.unlink(missing_ok=True)  # outputs were written: keep them
            return
    for name in new:
        path = out_dir / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    if claim is None or claim.created:
        _remove_created(out_dir, True)


# --- what the job (`model.runner.run`) asks of its folder ------------------------------------

def claimed_by_command_line(out_dir: Path) -> bool:
    """Whether the command line claimed `out_dir` for this job before Hydra started
    (`claim_argv_run_dir`) and the job has not taken the claim over yet (`take_over`)."""
    return _key(out_dir) in _HANDED


def take_over(out_dir: Path) -> None:
    """The claim of `out_dir` is now the job's own (no longer the command line's)."""
    _HANDED.discard(_key(out_dir))


def output_error(out_dir: Path, err: OSError) -> ConfigError | None:
    """The one-line error for a write error that means `out_dir` cannot take the run's outputs
    (a full disk, a read-only or forbidden folder), naming what is kept; None for any other
    error (a fault of the model, not of the folder)."""
    if err.errno not in _FOLDER_ERRNOS or not _inside(err, out_dir):
        return None
    kept = sorted({p.name for p in out_dir.iterdir()} - HYDRA_OWN - {RUNNING})
    full = err.errno in (errno.ENOSPC, errno.EDQUOT)
    return ConfigError(
        f"cannot write the outputs into {out_dir}: {_FOLDER_ERRNOS[err.errno]}"
        + (f" (writing {Path(err.filename).name})" if err.filename else "") + "; "
        + (f"the files written so far are kept there ({', '.join(kept)}, possibly cut "
           "short)" if kept else "no output was written")
        + ("; free some space or pass hydra.run.dir=NEW_FOLDER on another disk" if full
           else "; pass hydra.run.dir=NEW_FOLDER in a folder you can write to"))


def _inside(err: OSError, out_dir: Path) -> bool:
    """Whether a write error concerns the run folder (no file name: a write to an open file,
    which during a run is one of the outputs)."""
    if not err.filename:
        return True
    return _key(Path(err.filename)).is_relative_to(_key(out_dir))
