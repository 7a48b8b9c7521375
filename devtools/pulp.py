"""A real Pulp (pulpcore + pulp-python) on 127.0.0.1, on a throwaway PostgreSQL cluster, for the end-to-end tests.

Pulp pins Django and much else, so it gets a venv of its own. That venv and a migrated template cluster are made once
and cached under ~/.cache/hatch-custom-index-tests/, keyed by the pinned versions (about 35 s with uv, 65 s with pip,
migrations 17 s of it, on 2 cores); a lock file serialises that between pytest-xdist workers, each of which then runs
its own instance (about 8 s to start, 12 s for two at once). An instance copies the
template, runs PostgreSQL from Debian's package (as the `postgres` user when we are root: it refuses root), then Pulp's
API, content app and worker, and a second API process on the same database and worker with `PYTHON_GROUP_UPLOADS` on.
The API and content processes get sockets bound to port 0 here (gunicorn's `fd://`): nobody can take their ports.
Every process runs in its own process group, logs to a file in the instance's directory, and is stopped with it.

What pulpcore 3.123.1 with pulp-python 3.36.4 answers at `/pypi/<base_path>/legacy/`: an upload 202 with
`{"task": "/pulp/api/v3/tasks/<id>/"}`, stored when the worker runs the task (well below a second here); in grouped
mode 200 with `{"session", "task", "task_start_time"}` and a session cookie, stored about 5 s later. A file name the
repository already holds, same bytes or not, 400 with the reason "Package <file> already exists in index" and an empty
body. A wrong password 401 `{"detail":"Invalid username/password."}`, none 401 `{"detail":"Authentication credentials
were not provided."}`, both with `WWW-Authenticate: Basic realm="api"`. The simple API is the sibling
`/pypi/<base_path>/simple/` (`.../legacy/simple/` is a 404): PEP 503 HTML with `#sha256=` fragments by default, PEP 691
JSON with `hashes.sha256` when asked, `Cache-Control: max-age=600, public` and an ETag; an unknown project is a 404.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.environment import TRUST_STORE, clean_env

HOST = "127.0.0.1"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # our own servers: never through a proxy
PULPCORE = "3.123.1"
PULP_PYTHON = "3.36.4"
REQUIREMENTS = (f"pulpcore=={PULPCORE}", f"pulp-python=={PULP_PYTHON}")
CACHE = Path.home() / ".cache" / "hatch-custom-index-tests"
TEMPLATE_FORMAT = 1  # bump when the template cluster is made differently
ADMIN = "admin"
ADMIN_PASSWORD = "pulp-admin-pw-Hq73"  # noqa: S105 - a throwaway instance on 127.0.0.1
SECRET_KEY = "hatch-custom-index-tests-pulp-secret-key-not-a-secret"  # noqa: S105
# A throwaway cluster need not survive a crash.
POSTGRES_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "unix_socket_directories=")
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s"  # one line per request: `POST /pypi/<base_path>/legacy/ 202`
SETUP_SECONDS = 900  # installing Pulp, or migrating a fresh database
START_SECONDS = 120


def postgres_bin() -> Path | None:
    """The newest `/usr/lib/postgresql/<v>/bin` holding `initdb` and `postgres` (Debian's layout), if any."""
    found = [
        path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb") if (path.parent / "postgres").exists()
    ]
    return max(found, key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0, default=None)


def unavailable() -> str | None:
    """Why Pulp cannot run here, or None."""
    if not sys.platform.startswith("linux"):
        return "Pulp runs on Linux only"
    if postgres_bin() is None:
        return "PostgreSQL is not installed (Debian's `postgresql` package: no /usr/lib/postgresql/<v>/bin/initdb)"
    if os.geteuid() == 0:
        import pwd  # noqa: PLC0415 - POSIX only, as is all of this

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no `postgres` user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root, and there is no `runuser` to run PostgreSQL as the `postgres` user"
    return None


def free_port() -> int:
    """A port nobody listens on now (for PostgreSQL, which cannot be handed a socket)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """`command` run as the `postgres` user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def give_to_postgres(path: Path) -> None:
    """Make `path` and everything under it the `postgres` user's when we are root."""
    if os.geteuid() != 0:
        return
    import pwd  # noqa: PLC0415

    user = pwd.getpwnam("postgres")
    for root, dirs, files in os.walk(path):
        for name in (root, *(os.path.join(root, entry) for entry in (*dirs, *files))):
            os.chown(name, user.pw_uid, user.pw_gid)


def postgres_dir(prefix: str) -> Path:
    """A fresh directory that PostgreSQL's user can reach (a pytest temp dir under a root-only parent is not)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    give_to_postgres(path)
    return path


def run(command: list[Any], env: dict[str, str], log: Path, seconds: float = SETUP_SECONDS) -> None:
    """Run a set-up step with its output appended to `log`; an error naming the log if it fails."""
    with log.open("ab") as out:
        out.write(f"$ {' '.join(map(str, command))}\n".encode())
        out.flush()
        completed = subprocess.run(
            [str(part) for part in command], env=env, stdout=out, stderr=subprocess.STDOUT, timeout=seconds, check=False
        )
    if completed.returncode != 0:
        message = f"{Path(str(command[0])).name} {command[1]} failed (exit {completed.returncode}): see {log}"
        raise RuntimeError(message)


@contextlib.contextmanager
def cache_lock():
    """The cache's lock: one process at a time makes or checks the venv and the template."""
    import fcntl  # noqa: PLC0415

    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / "pulp.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def provision(pg_bin: Path) -> tuple[Path, Path]:
    """The cached Pulp venv and migrated template cluster for PostgreSQL's `pg_bin`, made first if missing:
    (venv, template)."""
    key = f"pulp-{PULPCORE}-python-{PULP_PYTHON}-py{sys.version_info[0]}{sys.version_info[1]}"
    venv = CACHE / key / "venv"
    template = CACHE / key / f"template-pg{pg_bin.parent.name}-{TEMPLATE_FORMAT}"
    with cache_lock():
        if not (venv / "complete").exists():
            make_venv(venv)
        if not (template / "complete").exists():
            make_template(template, venv, pg_bin)
    return venv, template


def make_venv(venv: Path) -> None:
    """Install the pinned Pulp into a venv of its own (in place: a venv cannot move), with uv when there is one."""
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    log = venv.parent / "install.log"
    env = clean_env(*TRUST_STORE, measured=False, HOME=str(Path.home()))
    python = venv / "bin" / "python"
    if uv := shutil.which("uv"):
        run([uv, "venv", "--quiet", "--python", sys.executable, venv], env, log)
        run([uv, "pip", "install", "--quiet", "--python", python, *REQUIREMENTS], env, log)
    else:
        run([sys.executable, "-m", "venv", venv], env, log)
        run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *REQUIREMENTS], env, log)
    (venv / "complete").write_text(" ".join(REQUIREMENTS) + "\n")


def make_template(template: Path, venv: Path, pg_bin: Path) -> None:
    """A cluster with Pulp's database migrated and the admin's password set, and the key its fields are encrypted
    with: made in a scratch directory, copied to `template`."""
    shutil.rmtree(template, ignore_errors=True)
    template.parent.mkdir(parents=True, exist_ok=True)
    scratch = postgres_dir("hci-pulp-template-")
    log = template.parent / "template.log"
    try:
        initdb = [str(pg_bin / "initdb"), "-D", str(scratch / "data"), "--auth=trust", "--username=postgres"]
        run(as_postgres([*initdb, "--encoding=UTF8", "--locale=C", "--no-sync"]), clean_env(measured=False), log)
        settings = Settings(
            scratch, db_port=free_port(), api_origin=f"http://{HOST}:1", content_origin=f"http://{HOST}:1"
        )
        settings.write(new_key=True)
        with Processes(template.parent) as processes:
            processes.start_postgres(pg_bin, scratch / "data", settings.db_port)
            run(
                [pg_bin / "createdb", "-h", HOST, "-p", settings.db_port, "-U", "postgres", "pulp"], settings.env(), log
            )
            manager = venv / "bin" / "pulpcore-manager"
            run([manager, "migrate", "--noinput"], settings.env(), log)
            run([manager, "reset-admin-password", "--password", ADMIN_PASSWORD], settings.env(), log)
        staging = template.with_name(template.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        shutil.copytree(scratch / "data", staging / "data", symlinks=True)
        shutil.copy2(settings.key, staging / "db.key")
        (staging / "complete").write_text(f"{' '.join(REQUIREMENTS)} postgres {pg_bin.parent.name}\n")
        staging.rename(template)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass
class Settings:
    """Pulp's settings file (given by PULP_SETTINGS) for an instance whose files live in `home`."""

    home: Path
    db_port: int
    api_origin: str
    content_origin: str

    @property
    def path(self) -> Path:
        return self.home / "settings.py"

    @property
    def key(self) -> Path:
        return self.home / "db.key"

    def write(self, *, new_key: bool = False) -> None:
        if new_key:
            self.key.write_bytes(base64.urlsafe_b64encode(os.urandom(32)))
        for name in ("media", "static", "work", "work/upload"):
            (self.home / name).mkdir(parents=True, exist_ok=True)
        database = {"ENGINE": "django.db.backends.postgresql", "NAME": "pulp", "USER": "postgres", "HOST": HOST}
        values = {
            "SECRET_KEY": SECRET_KEY,
            "DB_ENCRYPTION_KEY": str(self.key),
            "DATABASES": {"default": {**database, "PORT": self.db_port}},
            "MEDIA_ROOT": str(self.home / "media"),
            "STATIC_ROOT": str(self.home / "static"),
            "WORKING_DIRECTORY": str(self.home / "work"),
            "FILE_UPLOAD_TEMP_DIR": str(self.home / "work" / "upload"),
            "CONTENT_ORIGIN": self.content_origin,
            "PYPI_API_HOSTNAME": self.api_origin,
            "ANALYTICS": False,
        }
        self.path.write_text("".join(f"{name} = {value!r}\n" for name, value in values.items()))

    def env(self, **variables: str) -> dict[str, str]:
        return clean_env(measured=False, HOME=str(self.home), PULP_SETTINGS=str(self.path), **variables)


class Processes:
    """Long-running processes, each in its own process group with its output in `<directory>/<name>.log`; a context
    manager that stops them, the last started first."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[tuple[str, subprocess.Popen, signal.Signals]] = []

    def start(
        self,
        name: str,
        command: list[Any],
        env: dict[str, str],
        sockets: tuple[socket.socket, ...] = (),
        stop_with: signal.Signals = signal.SIGTERM,
    ) -> subprocess.Popen:
        with self.log(name).open("wb") as log:
            process = subprocess.Popen(
                [str(part) for part in command],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                pass_fds=[sock.fileno() for sock in sockets],
                start_new_session=True,
            )
        self.started.append((name, process, stop_with))
        return process

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def start_postgres(self, pg_bin: Path, data: Path, port: int) -> None:
        """PostgreSQL on 127.0.0.1:`port`, once it accepts connections (SIGINT: its fast shutdown)."""
        command = as_postgres([str(pg_bin / "postgres"), "-D", str(data), "-h", HOST, "-p", str(port)])
        self.start(
            "postgres",
            [*command, *(f"-c{setting}" for setting in POSTGRES_SETTINGS)],
            clean_env(measured=False),
            stop_with=signal.SIGINT,
        )
        ready = [str(pg_bin / "pg_isready"), "-q", "-h", HOST, "-p", str(port), "-U", "postgres"]
        env = clean_env(measured=False)
        self.wait_for(lambda: subprocess.run(ready, env=env, check=False).returncode == 0, "PostgreSQL", 60)

    def wait_for(self, condition: Any, what: str, seconds: float) -> None:
        """Poll `condition` until true; an error naming the logs when a process died or `seconds` passed."""
        deadline = time.monotonic() + seconds
        while not condition():
            dead = [name for name, process, _ in self.started if process.poll() is not None]
            if dead or time.monotonic() > deadline:
                logs = ", ".join(str(self.log(name)) for name in dead or [name for name, *_ in self.started])
                why = f"{', '.join(dead)} exited" if dead else f"not within {seconds} s"
                message = f"{what} did not start: {why}; see {logs}"
                raise RuntimeError(message)
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop every process but PostgreSQL at once, then PostgreSQL (its clients gone); a group that does not end
        within 15 s is killed."""
        started, self.started = self.started, []
        for batch in ([p for p in started if p[0] != "postgres"], [p for p in started if p[0] == "postgres"]):
            for _, process, stop_with in batch:
                signal_group(process, stop_with)
            deadline = time.monotonic() + 15
            for _, process, _ in batch:
                try:
                    process.wait(max(0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    signal_group(process, signal.SIGKILL)
                    process.wait()
                signal_group(process, signal.SIGKILL)  # whatever else is in its group (gunicorn's workers) goes too

    def __enter__(self):
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@dataclass(frozen=True)
class PulpIndex:
    """A python repository and a distribution serving it at `base_path`."""

    base_path: str
    repository: str  # the repository's href
    upload_url: str  # `<origin>/pypi/<base_path>/legacy/`
    simple_url: str  # `<origin>/pypi/<base_path>/simple/`
    grouped_upload_url: str  # the same index through the API process that groups uploads (200, stored seconds later)


def signal_group(process: subprocess.Popen, signum: signal.Signals) -> None:
    """Send `signum` to the process group that `process` leads, if it is still there."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def bound_socket() -> socket.socket:
    """A socket bound to a free port on 127.0.0.1, for a gunicorn child to listen on (`-b fd://N`)."""
    sock = socket.socket()
    sock.bind((HOST, 0))
    sock.set_inheritable(True)
    return sock


class PulpServer:
    """A Pulp instance on 127.0.0.1 (see the module's docstring), with a first index (`upload_url`, `simple_url`);
    `create_index()` makes more. `user` and `password` are the admin's."""

    user = ADMIN
    password = ADMIN_PASSWORD

    def __init__(self, directory: Path) -> None:
        pg_bin = postgres_bin()
        if pg_bin is None:
            raise RuntimeError(unavailable())
        venv, template = provision(pg_bin)
        self.directory = directory
        self.processes = Processes(directory)
        self.cluster = postgres_dir("hci-pulp-")
        try:
            self._start(venv, template, pg_bin)
            self.index = self.create_index()
        except BaseException:
            self.stop()
            raise
        self.upload_url, self.simple_url = self.index.upload_url, self.index.simple_url

    def _start(self, venv: Path, template: Path, pg_bin: Path) -> None:
        shutil.copytree(template / "data", self.cluster / "data", symlinks=True)
        give_to_postgres(self.cluster)
        api, content, grouped = self._sockets = (bound_socket(), bound_socket(), bound_socket())
        self.origin, content_origin, self.grouped_origin = (
            f"http://{HOST}:{s.getsockname()[1]}" for s in self._sockets
        )
        settings = Settings(self.directory, free_port(), self.origin, content_origin)
        settings.write()
        shutil.copy2(template / "db.key", settings.key)
        self.processes.start_postgres(pg_bin, self.cluster / "data", settings.db_port)
        bin_dir = venv / "bin"
        for name, sock in (("api", api), ("content", content), ("api-grouped", grouped)):
            program = "pulpcore-content" if name == "content" else "pulpcore-api"
            command = [bin_dir / program, "-b", f"fd://{sock.fileno()}", "-w", "1", "--no-control-socket"]
            if program == "pulpcore-api":  # the content app's aiohttp takes another log format
                command += ["--access-logfile", self.processes.log(f"{name}-access")]
                command += ["--access-logformat", ACCESS_LOG_FORMAT]
            env = settings.env()
            if name == "api-grouped":
                env.update(PULP_PYTHON_GROUP_UPLOADS="true", PULP_PYPI_API_HOSTNAME=self.grouped_origin)
            self.processes.start(name, command, env, sockets=(sock,))
        self.processes.start("worker", [bin_dir / "pulpcore-worker"], settings.env())
        self.processes.wait_for(self._ready, "Pulp", START_SECONDS)

    def _ready(self) -> bool:
        """Both API processes answer, and the status names an online worker and content app."""
        try:
            status = self.call("GET", "status/")
            self.call("GET", "status/", origin=self.grouped_origin)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        return bool(status["online_workers"] and status["online_content_apps"])

    def call(
        self,
        method: str,
        path: str,
        body: dict | bytes | None = None,
        origin: str | None = None,
        content_type: str = "",
    ) -> dict:
        """Pulp's REST API (`path` under `/pulp/api/v3/`, or an href) as the admin: the JSON answer. A dict `body` is
        sent as JSON, bytes as `content_type`."""
        url = (origin or self.origin) + (path if path.startswith("/") else f"/pulp/api/v3/{path}")
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if isinstance(body, dict):
            body, content_type = json.dumps(body).encode(), "application/json"
        headers = {"Accept": "application/json", "Authorization": f"Basic {token}"}
        request = urllib.request.Request(  # noqa: S310
            url, data=body, method=method, headers={**headers, **({"Content-Type": content_type} if body else {})}
        )
        with DIRECT.open(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")

    def wait_task(self, href: str, seconds: float = 60) -> dict:
        """A task once it has ended; an error unless it completed."""
        deadline = time.monotonic() + seconds
        while (task := self.call("GET", href))["state"] not in {"completed", "failed", "canceled", "skipped"}:
            if time.monotonic() > deadline:
                message = f"Pulp's task {href} is still {task['state']} after {seconds} s: see {self.directory}"
                raise RuntimeError(message)
            time.sleep(0.05)
        if task["state"] != "completed":
            message = f"Pulp's task {href} {task['state']}: {task.get('error')}"
            raise RuntimeError(message)
        return task

    def create_index(self, base_path: str | None = None) -> PulpIndex:
        """A new, empty index: a repository and a distribution at `base_path` (a fresh name by default)."""
        base_path = base_path or f"index-{uuid.uuid4().hex[:10]}"
        repository = self.call("POST", "repositories/python/python/", {"name": base_path})["pulp_href"]
        body = {"name": base_path, "base_path": base_path, "repository": repository}
        self.wait_task(self.call("POST", "distributions/python/pypi/", body)["task"])
        return PulpIndex(
            base_path,
            repository,
            f"{self.origin}/pypi/{base_path}/legacy/",
            f"{self.origin}/pypi/{base_path}/simple/",
            f"{self.grouped_origin}/pypi/{base_path}/legacy/",
        )

    def add(self, index: PulpIndex, *paths: Path) -> None:
        """Put files into the index through Pulp's REST API (not the upload API under test), once stored."""
        for path in paths:
            boundary = uuid.uuid4().hex
            fields = {"relative_path": path.name, "repository": index.repository}
            head = "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
            )
            head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n\r\n'
            body = head.encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
            self.wait_task(self.call("POST", "content/python/packages/", body, content_type=content_type)["task"])

    def files(self, index: PulpIndex, project: str) -> dict[str, str]:
        """File name -> sha256 of `project`'s files in the index's latest repository version, from the REST API."""
        version = self.call("GET", index.repository)["latest_version_href"]
        found: dict[str, str] = {}
        page: str | None = (
            f"content/python/packages/?repository_version={version}&fields=name,filename,sha256&limit=500"
        )
        while page:
            answer = self.call("GET", page)
            found.update(
                (entry["filename"], entry["sha256"])
                for entry in answer["results"]
                if normalize(entry["name"]) == normalize(project)
            )
            page = answer["next"] and answer["next"].removeprefix(self.origin)
        return dict(sorted(found.items()))

    def uploads(self, index: PulpIndex) -> list[int]:
        """The HTTP status of every upload request made to the index so far, through either API process."""
        statuses: list[int] = []
        for name in ("api-access", "api-grouped-access"):
            log = self.processes.log(name)
            text = log.read_text(errors="replace") if log.exists() else ""
            statuses += map(
                int, re.findall(rf"^POST /pypi/{re.escape(index.base_path)}/legacy/ (\d+)$", text, re.MULTILINE)
            )
        return statuses

    def stop(self) -> None:
        self.processes.stop()
        for sock in getattr(self, "_sockets", ()):
            sock.close()
        shutil.rmtree(self.cluster, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def normalize(name: str) -> str:
    """A project name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()
