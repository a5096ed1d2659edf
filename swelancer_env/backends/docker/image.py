"""The sandbox image, built offline: no registry, only Debian's mirror and PyPI.

Recipe: ``debootstrap --variant=minbase bookworm`` from the mirror this machine's apt already uses,
then, in a ``chroot``, ``apt-get install`` of :data:`APT_PACKAGES` and ``pip install`` of
:data:`PIP_PACKAGES` into the root's own Python, a user ``agent`` (uid 1000), and finally
``docker import`` of the root as ``swelancer-sandbox:<hash>``. The hash covers the package lists,
this file's text and :data:`RECIPE_VERSION`, so the image is rebuilt only when the recipe changes.
The root's tarball is cached under :data:`CACHE_DIR` by the same hash: after ``docker rmi`` the
image comes back by a plain import.

Build it from the command line (as root: debootstrap and chroot need it)::

    python -m swelancer_env.backends.docker.image [--force]

Example:
    >>> from swelancer_env.backends.docker.image import build_image
    >>> tag = build_image()  # doctest: +SKIP
    >>> tag  # doctest: +SKIP
    'swelancer-sandbox:3f2a...'
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from swelancer_env.backends.docker.engine import docker_client
from swelancer_env.errors import SandboxError

__all__ = [
    "APT_PACKAGES",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "HEADLESS_SHELL",
    "IMAGE_REPOSITORY",
    "PIP_PACKAGES",
    "build_image",
    "image_exists",
    "image_tag",
]

log = logging.getLogger(__name__)

#: bump to force a rebuild when something outside this file changes (the mirror's content)
RECIPE_VERSION = "1"
IMAGE_REPOSITORY = "swelancer-sandbox"
SUITE = "bookworm"
CACHE_DIR = Path(os.environ.get("SWELANCER_IMAGE_CACHE", "/var/cache/swelancer-env"))
APT_PACKAGES = (
    "bash",
    "ca-certificates",
    "chromium",
    "chromium-headless-shell",
    "fonts-liberation",
    "git",
    "libatomic1",
    "nodejs",  # the apps' builds (esbuild's launcher) and the agent's own `tsc`
    "procps",
    "python3",
    "python3-pip",
    "python3-venv",
)
#: pinned to the versions the library itself is tested with
PIP_PACKAGES = ("playwright==1.65.2", "pytest==9.0.3")
AGENT_UID = 1000
CHROMIUM = "/usr/bin/chromium"
#: Debian's headless shell of the same Chromium: renders the same for about half the CPU (the
#: user tool's and the hidden tests' browser, as on the local backend)
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
#: Chromium flags for a container with no network and no user namespaces
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: how the image runs: a non-root shell by default and a main process that only waits
_IMPORT_CHANGES = (
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    f"ENV SWELANCER_CHROMIUM={CHROMIUM}",
    "WORKDIR /work/app",
    'CMD ["sleep", "infinity"]',
)
# The suites whose host apt entries the image's sources.list copies (other repos are dropped).
_SUITES = (SUITE, f"{SUITE}-updates", f"{SUITE}-security")

_VERIFY_BROWSER = f"""
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    for exe in ({CHROMIUM!r}, {HEADLESS_SHELL!r}):
        b = p.chromium.launch(executable_path=exe, args={list(CHROMIUM_ARGS)!r})
        page = b.new_page()
        page.set_content("<h1 id=t>ok</h1>")
        print(exe, b.version, page.inner_text("#t"))
        b.close()
"""


def image_tag() -> str:
    """The tag of the image this recipe builds: ``swelancer-sandbox:<12 hex digits>``."""
    h = hashlib.sha256()
    for part in (RECIPE_VERSION, SUITE, *APT_PACKAGES, "--", *PIP_PACKAGES, *_IMPORT_CHANGES):
        h.update(part.encode() + b"\0")
    h.update(Path(__file__).read_bytes())
    return f"{IMAGE_REPOSITORY}:{h.hexdigest()[:12]}"


def image_exists(tag: str | None = None) -> bool:
    """Whether the engine already has ``tag`` (default: this recipe's image)."""
    import docker.errors

    try:
        docker_client().images.get(tag or image_tag())
    except docker.errors.ImageNotFound:
        return False
    return True


def build_image(force: bool = False) -> str:
    """Build the sandbox image unless it exists; return its tag.

    Args:
        force: rebuild from scratch, ignoring both the image and the cached root tarball.

    Raises:
        SandboxError: the engine is unreachable, a build step failed (the message quotes the end
            of its log), or the built image failed its check (imports, a headless Chromium).
    """
    tag = image_tag()
    if not force and image_exists(tag):
        log.info("image %s exists", tag)
        return tag
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    digest = tag.split(":", 1)[1]
    tarball = CACHE_DIR / f"rootfs-{digest}.tar"
    with _build_lock():
        if not force and image_exists(tag):  # built by another process while we waited
            return tag
        started = time.monotonic()
        _clean_stale_builds()
        if force or not tarball.exists():
            _build_rootfs(tarball, CACHE_DIR / f"build-{digest}.log")
        else:
            log.info("using the cached root %s", tarball)
        _import(tarball, tag)
        _verify(tag)
        log.info("image %s ready in %.1f s", tag, time.monotonic() - started)
        _prune(tag)
    return tag


def _prune(keep: str) -> None:
    """Remove older recipes' images (when no container uses them) and cached roots."""
    import docker.errors

    client = docker_client()
    for image in client.images.list(name=IMAGE_REPOSITORY):
        for old in image.tags:
            if old != keep and old.startswith(IMAGE_REPOSITORY + ":"):
                try:
                    client.images.remove(old)
                    log.info("removed the old image %s", old)
                except docker.errors.APIError as exc:  # in use by a container
                    log.info("kept the old image %s: %s", old, exc)
    digest = keep.split(":", 1)[1]
    for old in (*CACHE_DIR.glob("rootfs-*.tar"), *CACHE_DIR.glob("build-*.log")):
        if digest not in old.name:
            old.unlink(missing_ok=True)


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    with open(CACHE_DIR / "build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _build_rootfs(tarball: Path, logfile: Path) -> None:
    """debootstrap, chroot installs and the agent user, written to ``tarball``."""
    if os.geteuid() != 0:
        raise SandboxError(
            "building the sandbox image needs root (debootstrap and chroot); run "
            "`sudo python -m swelancer_env.backends.docker.image` once, or as root"
        )
    for tool in ("debootstrap", "chroot", "tar"):
        if shutil.which(tool) is None:
            raise SandboxError(f"`{tool}` is missing; install it (`bash .ci/start-dockerd.sh`)")
    mirror, sources = _host_debian_sources()
    workdir = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE_DIR))
    root = workdir / "root"
    logfile.write_text("")
    try:
        _step(
            "debootstrap", logfile, ["debootstrap", "--variant=minbase", SUITE, str(root), mirror]
        )
        (root / "etc/apt/sources.list").write_text(sources)
        # Like the host's apt: a mirror snapshot's Release file may be past its Valid-Until.
        (root / "etc/apt/apt.conf.d/99swelancer-build").write_text(
            'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n'
        )
        (root / "usr/sbin/policy-rc.d").write_text("#!/bin/sh\nexit 101\n")
        (root / "usr/sbin/policy-rc.d").chmod(0o755)
        # pip goes through this machine's TLS setup (its egress may use a private CA).
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", root / "tmp/host-ca.crt")
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
        with _mounted_proc(root):
            _chroot(root, logfile, "apt-get update -q")
            _chroot(root, logfile, "apt-get install -y -q " + " ".join(APT_PACKAGES))
            _chroot(
                root,
                logfile,
                "PIP_CERT=/tmp/host-ca.crt python3 -m pip install -q "
                "--no-cache-dir --break-system-packages " + " ".join(PIP_PACKAGES),
            )
            _chroot(
                root,
                logfile,
                f"useradd --create-home --uid {AGENT_UID} --shell /bin/bash "
                "agent && install -d -o agent -g agent /work/app",
            )
            _chroot(root, logfile, "apt-get clean && rm -rf /var/lib/apt/lists/* /root/.cache")
        for leftover in (
            "tmp/host-ca.crt",
            "usr/sbin/policy-rc.d",
            "etc/apt/apt.conf.d/99swelancer-build",
        ):
            (root / leftover).unlink(missing_ok=True)
        (root / "etc/resolv.conf").write_text("")  # the container has no network anyway
        partial = tarball.with_suffix(".partial")
        _step(
            "tar",
            logfile,
            ["tar", "-C", str(root), "--numeric-owner", "--xattrs", "-cf", str(partial), "."],
        )
        partial.rename(tarball)
    finally:
        _remove_root(workdir)


def _host_debian_sources() -> tuple[str, str]:
    """The Debian mirror and sources.list lines for :data:`_SUITES` from this machine's apt."""
    entries: list[tuple[str, str, str]] = []  # (uri, suite, components)
    files = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for f in files:
        if not f.is_file():
            continue
        text = f.read_text(errors="replace")
        if f.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.M))
                if "deb" not in fields.get("Types", "").split():
                    continue
                for uri in fields.get("URIs", "").split():
                    for suite in fields.get("Suites", "").split():
                        entries.append((uri, suite, fields.get("Components", "main")))
        else:
            for line in text.splitlines():
                m = re.match(r"^\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$", line)
                if m:
                    entries.append((m[1], m[2], m[3] or "main"))
    entries = [e for e in entries if e[1] in _SUITES]
    mirror = next((uri for uri, suite, _ in entries if suite == SUITE), None)
    if mirror is None:
        raise SandboxError(
            f"no apt source for Debian {SUITE} in /etc/apt/sources.list(.d); the image is built "
            f"from the mirror this machine's apt uses: add a `{SUITE} main` entry"
        )
    lines = sorted({f"deb {uri} {suite} {comps}" for uri, suite, comps in entries})
    return mirror, "\n".join(lines) + "\n"


def _step(name: str, logfile: Path, argv: list[str]) -> None:
    log.info("%s ...", name)
    t = time.monotonic()
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_DEFAULT_TIMEOUT": "180",
    }
    env.update({k: v for k, v in os.environ.items() if k.lower().endswith("_proxy")})
    with open(logfile, "a") as out:
        out.write(f"\n==> {name}: {' '.join(argv)}\n")
        out.flush()
        proc = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    if proc.returncode != 0:
        tail = "".join(logfile.read_text(errors="replace").splitlines(True)[-25:])
        raise SandboxError(
            f"building the sandbox image failed at `{name}` (exit {proc.returncode}); full log in "
            f"{logfile}; its end:\n{tail}"
        )
    log.info("%s done in %.1f s", name, time.monotonic() - t)


def _chroot(root: Path, logfile: Path, script: str) -> None:
    _step(script.split(" &&")[0][:60], logfile, ["chroot", str(root), "/bin/sh", "-ec", script])


@contextlib.contextmanager
def _mounted_proc(root: Path) -> Iterator[None]:
    proc = root / "proc"
    subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(proc)], check=False)


def _clean_stale_builds() -> None:
    """Remove the build folders of builds that were killed (called under the build lock)."""
    for stale in CACHE_DIR.glob("build-*"):
        if not stale.is_dir():
            continue
        prefix = str(stale.resolve()) + "/"
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(prefix)), reverse=True):
            subprocess.run(["umount", "-l", mount], check=False)
        log.info("removing the folder of an interrupted build: %s", stale)
        _remove_root(stale)


def _remove_root(workdir: Path) -> None:
    """Delete a build folder, refusing while anything is still mounted inside it."""
    prefix = str(workdir.resolve()) + "/"
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    busy = [m for m in mounts if m.startswith(prefix)]
    if busy:
        log.warning("not removing %s: still mounted: %s", workdir, ", ".join(busy))
        return
    shutil.rmtree(workdir, ignore_errors=True)


def _import(tarball: Path, tag: str) -> None:
    log.info("docker import %s (%.0f MB) ...", tarball.name, tarball.stat().st_size / 1e6)
    t = time.monotonic()
    repository, version = tag.split(":", 1)
    client = docker_client(timeout=600)
    client.api.import_image_from_file(
        str(tarball), repository=repository, tag=version, changes=list(_IMPORT_CHANGES)
    )
    if not image_exists(tag):
        raise SandboxError(f"`docker import` of {tarball} did not produce {tag}")
    log.info("import done in %.1f s", time.monotonic() - t)


def _verify(tag: str) -> None:
    """Run the image as the sandbox does and check Python's packages and a headless Chromium."""
    import docker.errors

    log.info("verifying %s ...", tag)
    t = time.monotonic()
    client = docker_client(timeout=600)
    script = "import playwright, pytest\n" + _VERIFY_BROWSER
    try:
        out = client.containers.run(
            tag,
            ["python3", "-c", script],
            remove=True,
            network_mode="none",
            init=True,
            user="agent",
            read_only=True,
            labels={"swelancer-env": "1"},
            tmpfs={"/tmp": "size=256m", "/home/agent": "size=64m,uid=1000,gid=1000"},
            environment={"HOME": "/home/agent"},
            stdout=True,
            stderr=True,
        )
    except docker.errors.ContainerError as exc:
        raise SandboxError(
            f"the image {tag} failed its check (python3 -c 'import playwright, pytest' and a "
            f"headless Chromium): {exc.stderr.decode(errors='replace')[-2000:]}; rebuild with "
            "`python -m swelancer_env.backends.docker.image --force`"
        ) from exc
    log.info("verified in %.1f s: %s", time.monotonic() - t, out.decode().strip())


def main(argv: list[str] | None = None) -> int:
    """``python -m swelancer_env.backends.docker.image [--force]``: build and print the tag."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print("usage: python -m swelancer_env.backends.docker.image [--force]")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    print(build_image(force="--force" in args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
