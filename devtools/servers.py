"""Real index servers on 127.0.0.1 with ephemeral ports, for the tests, the demo and the benchmark.

pypiserver (htpasswd auth, HTML simple API, 409 on duplicates) and devpi-server (a user with a non-volatile index,
PEP 691 JSON). Each is started from the environment this code runs in and stopped with its process. Both serve with
waitress, which binds port 0 itself and says which port it got: no other process can take it in between.
"""

from __future__ import annotations

import base64
import json
import queue
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from passlib.apache import HtpasswdFile

from devtools.environment import clean_env

HOST = "127.0.0.1"
SERVING = re.compile(rb"Serving on http://127\.0\.0\.1:(\d+)")  # waitress, once it listens
# For asking our own servers on 127.0.0.1: straight there, whatever proxy the environment names.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def executable(name: str) -> str:
    """A console script of this environment (next to the running Python), else from PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed in this environment"
        raise RuntimeError(message)
    return found


class Server:
    """A server process; a context manager that stops it."""

    process: subprocess.Popen | None = None
    log: Path

    def _start(self, command: list[str], home: Path, seconds: float = 60) -> int:
        """Run `command`, a server told to listen on port 0, with its output copied to `self.log`; the port it got."""
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=clean_env(measured=False, HOME=str(home))
        )
        ports: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        threading.Thread(target=self._copy_output, args=(self.process, ports), daemon=True).start()
        try:
            port = ports.get(timeout=seconds)
        except queue.Empty:
            port = None
        if port is None:
            self.stop()
            message = f"{Path(command[0]).name} did not say which port it listens on within {seconds} s: see {self.log}"
            raise RuntimeError(message)
        return port

    def _copy_output(self, process: subprocess.Popen, ports: queue.SimpleQueue[int | None]) -> None:
        """Copy the server's output to the log until it exits; report the port it listens on, or None at its end."""
        with self.log.open("wb") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                if match := SERVING.search(line):
                    ports.put(int(match[1]))
        ports.put(None)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class PypiServer(Server):
    """pypiserver with htpasswd users; the upload URL is the root, the simple API `/simple/`."""

    def __init__(self, directory: Path, users: dict[str, str]) -> None:
        self.packages = directory / "packages"
        self.packages.mkdir(parents=True, exist_ok=True)
        htpasswd = HtpasswdFile(str(directory / "htpasswd"), new=True)
        for user, password in users.items():
            htpasswd.set_password(user, password)
        htpasswd.save()
        self.log = directory / "pypiserver.log"
        command = [
            # -v: waitress (pypiserver's first choice when installed) logs the port it listens on.
            *(executable("pypi-server"), "run", "-v", "-i", HOST, "-p", "0"),
            *("-P", str(directory / "htpasswd"), "-a", "update", "--disable-fallback", str(self.packages)),
        ]
        self.port = self._start(command, directory)
        self.url = f"http://{HOST}:{self.port}/"
        self.simple_url = f"{self.url}simple/"

    def files(self) -> dict[str, bytes]:
        """What the server holds: file name -> contents."""
        return {path.name: path.read_bytes() for path in sorted(self.packages.iterdir()) if path.is_file()}


class DevpiServer(Server):
    """devpi-server with a user (`alice`) and an index `<user>/stable` (the upload URL), non-volatile unless asked:
    then projects can be deleted (for benchmarks that upload the same files again)."""

    def __init__(
        self,
        directory: Path,
        user: str = "alice",
        password: str = "alice-password",  # noqa: S107
        *,
        volatile: bool = False,
    ) -> None:
        server_dir = directory / "server"
        subprocess.run(
            [executable("devpi-init"), "--serverdir", str(server_dir), "--no-root-pypi", "--root-passwd", "root"],
            env=clean_env(measured=False, HOME=str(directory)),
            check=True,
            capture_output=True,
        )
        self.log = directory / "devpi.log"
        command = [
            *(executable("devpi-server"), "--serverdir", str(server_dir), "--host", HOST, "--port", "0"),
            "--offline-mode",
            # A throwaway secret needs no hardening: with devpi's defaults, deriving its key takes 8 s and 512 MiB.
            *("--argon2-memory-cost", "8", "--argon2-parallelism", "1", "--argon2-time-cost", "1"),
        ]
        self.port = self._start(command, directory)
        self.root_url = f"http://{HOST}:{self.port}/"
        self.user, self.password = user, password
        self._call("PUT", user, {"password": password, "email": f"{user}@example.org"})
        token = self._call("POST", "+login", {"user": user, "password": password})["result"]["password"]
        self._auth = base64.b64encode(f"{user}:{token}".encode()).decode()
        self._call("PUT", f"{user}/stable", {"bases": [], "volatile": volatile})
        self.url = f"{self.root_url}{user}/stable/"
        self.simple_url = f"{self.url}+simple/"

    def _call(self, method: str, path: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310
            self.root_url + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if getattr(self, "_auth", None):
            request.add_header("X-Devpi-Auth", self._auth)
        with DIRECT.open(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def delete_project(self, name: str) -> None:
        """Remove a project and its files (a volatile index only); nothing when it is not there."""
        try:
            self._call("DELETE", f"{self.user}/stable/{name}", {})
        except urllib.error.HTTPError as e:
            if e.code != 404:  # noqa: PLR2004
                raise

    def project(self, name: str) -> dict:
        """devpi's JSON view of a project: versions, their metadata and links."""
        request = urllib.request.Request(f"{self.url}{name}", headers={"Accept": "application/json"})  # noqa: S310
        try:
            with DIRECT.open(request, timeout=30) as response:
                return json.loads(response.read())["result"]
        except urllib.error.HTTPError as e:
            if e.code == 404:  # noqa: PLR2004
                return {}
            raise

    def files(self, name: str) -> dict[str, str]:
        """File name -> sha256 of a project's files, from the PEP 691 JSON simple page."""
        request = urllib.request.Request(  # noqa: S310
            f"{self.simple_url}{name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
        )
        try:
            with DIRECT.open(request, timeout=30) as response:
                page = json.loads(response.read())
        except urllib.error.HTTPError as e:
            if e.code == 404:  # noqa: PLR2004
                return {}
            raise
        return {entry["filename"]: entry["hashes"]["sha256"] for entry in page["files"]}
