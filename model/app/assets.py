"""Fill Solara's front-end cache from the npm registry, for machines that cannot reach the CDN.

The Solara server sends the browser its front end (the Vuetify app bundle, RequireJS, Font
Awesome, the grid layout widget) through its own `/_solara/cdn/` route. That route reads a cache
folder first (`solara.server.settings.assets.proxy_cache_dir`, by default
`sys.prefix/share/solara/cdn/`) and only on a miss downloads from cdn.jsdelivr.net. Where the CDN
is unreachable but the npm registry is not (a firewall, a mirror), every miss fails: the page
stays blank and the server logs "Could not load URL". jsDelivr serves npm packages file for file,
so unpacking each package's npm tarball into `<cache>/<name>@<version>/` gives the server the same
files it would have fetched.

`ensure()` fetches the packages that are missing with `npm pack` (so npm's registry and proxy
configuration apply) and never deletes or overwrites anything already there. Run it once per
environment: `python -m model.app.assets`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from solara.server import settings

__all__ = ["PACKAGES", "cdn_folder", "ensure", "missing"]

# npm pack resolves a package and downloads its tarball; a stuck registry connection should fail
# with a message rather than hang the caller forever
NPM_TIMEOUT = 300  # seconds


def _spec_of(url_path: str) -> str:
    """The npm spec (`name@version`) that a cdn url path starts with, scoped names included."""
    parts = url_path.strip("/").split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


# The versions the installed solara asks for. Solara has a Python constant only for Font Awesome;
# the others are literals in its templates and widgets, copied here (re-check on a solara upgrade).
PACKAGES: tuple[str, ...] = (
    # literal in solara/server/templates/solara.html.j2 (css, fonts.css and the app bundle; the
    # vuetify3-app bundle there is only for ipyvuetify 3, which this project does not use)
    "@widgetti/solara-vuetify-app@10.1.1",
    # literal in solara/server/templates/solara.html.j2 (require.js); the require.min.js of
    # solara/components/markdown.py is not in the tarball (jsDelivr minifies on the fly), but it is
    # loaded only where the page has no requirejs yet, never under the Solara server
    "requirejs@2.3.6",
    # solara.server.settings.assets.fontawesome_path, so a SOLARA_ASSETS_FONTAWESOME_PATH override
    # is followed too
    _spec_of(settings.assets.fontawesome_path),
    # literal in solara/widgets/vue/gridlayout.vue (loaded when a page uses solara.GridLayout)
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
)


def cdn_folder() -> Path:
    """The cache folder the Solara server reads before the CDN (SOLARA_ASSETS_PROXY_CACHE_DIR)."""
    return Path(settings.assets.proxy_cache_dir)


def _is_filled(target: Path) -> bool:
    """Whether a package folder exists and has something in it."""
    return target.is_dir() and any(target.iterdir())


def missing(folder: Path | None = None) -> list[str]:
    """The specs of `PACKAGES` whose folder in the cache is absent or empty."""
    folder = cdn_folder() if folder is None else folder
    return [spec for spec in PACKAGES if not _is_filled(folder / spec)]


def _npm_pack(spec: str, workdir: Path) -> Path:
    """Download the tarball of `spec` into the empty `workdir` with `npm pack`; its path."""
    npm = shutil.which("npm")
    hint = "install Node.js, which brings npm (https://nodejs.org, or e.g. `apt install npm`)"
    if npm is None:
        raise RuntimeError(f"Cannot fetch {spec} for Solara's front end: npm is not on PATH; {hint}.")
    # the update check is one more registry request per call, and its notice is noise here
    env = {**os.environ, "npm_config_update_notifier": "false"}
    try:
        result = subprocess.run([npm, "pack", "--silent", spec], cwd=workdir, env=env,
                                capture_output=True, text=True, timeout=NPM_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(f"Cannot fetch {spec} for Solara's front end: `npm pack` failed ({error}); "
                           f"check the npm registry is reachable, or {hint}.") from error
    # the only file in the fresh directory is the tarball, whatever npm prints on stdout
    tarballs = list(workdir.glob("*.tgz"))
    if result.returncode != 0 or len(tarballs) != 1:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"Cannot fetch {spec} for Solara's front end: `npm pack {spec}` failed "
                           f"(exit {result.returncode}: {' '.join(detail)}); check the npm registry "
                           f"is reachable, or {hint}.")
    return tarballs[0]


def _strip_top(name: str) -> str:
    """A tarball member's path without its top folder (`package/` in npm tarballs)."""
    return name.partition("/")[2]


def _unpacked_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """The tarball's members moved up out of the top folder, as `tar --strip-components=1` does."""
    members = []
    for member in tar.getmembers():
        name = _strip_top(member.name)
        if not name:
            continue  # the top folder itself
        linkname = _strip_top(member.linkname) if member.islnk() else member.linkname
        members.append(member.replace(name=name, linkname=linkname, deep=False))
    return members


def _extract(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball into `target`, which appears only once complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # unpack beside the target and rename: an interrupted run then leaves no half-filled folder,
    # which `missing` would take for a complete package
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            # the "data" filter refuses absolute paths, links out of the folder and device files
            tar.extractall(staging, members=_unpacked_members(tar), filter="data")
        try:
            staging.replace(target)  # also takes the place of an empty folder, never a filled one
        except OSError:
            if not _is_filled(target):  # not another run having filled it meanwhile
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)  # only ever the staging folder made above


def ensure(quiet: bool = False, folder: Path | None = None) -> list[str]:
    """Fetch the missing `PACKAGES` from npm into the cache (`cdn_folder()` unless `folder`).

    Prints one line per package fetched unless `quiet`; returns the specs fetched. Raises
    RuntimeError when npm is missing or fails.
    """
    folder = cdn_folder() if folder is None else folder
    fetched = []
    for spec in missing(folder):
        target = folder / spec
        if not quiet:
            print(f"fetching {spec} from npm into {target}", flush=True)
        with tempfile.TemporaryDirectory() as workdir:
            _extract(_npm_pack(spec, Path(workdir)), target)
        fetched.append(spec)
    return fetched


if __name__ == "__main__":
    if not ensure():
        print(f"Solara's front-end packages are all in {cdn_folder()}")
