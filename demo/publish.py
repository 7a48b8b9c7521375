"""The quick-start demo: build this project, start a local index, publish through the plugin, show what landed.

Run with `hatch run demo:publish`. Everything happens on 127.0.0.1 in a temporary directory, removed afterwards.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.projects import build  # noqa: E402
from devtools.servers import PypiServer  # noqa: E402


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    with tempfile.TemporaryDirectory(prefix="hatch-custom-index-demo-") as temp:
        work = Path(temp)
        artifacts = build(ROOT, directory=work / "dist")
        password = secrets.token_urlsafe(16)
        with PypiServer(work / "index", {"demo": password}) as server:
            print(f"Started pypiserver at {server.url} (user `demo`, a random password)\n")
            # Hatch's config.toml of the demo: the repository `demo` with its credentials, as a user would keep them.
            config = work / "hatch-config.toml"
            config.write_text(
                f'[publish.custom-index.repos.demo]\nurl = "{server.url}"\nuser = "demo"\nauth = "{password}"\n'
            )
            config.chmod(0o600)
            command = [
                sys.executable,
                "-m",
                "hatch",
                "publish",
                "-p",
                "custom-index",
                "-r",
                "demo",
                *map(str, artifacts),
            ]
            print("$", f"HATCH_CONFIG={shlex.quote(str(config))}", shlex.join(command))
            code = subprocess.call(command, cwd=ROOT, env={**os.environ, "HATCH_CONFIG": str(config)})
            print(f"\nThe index now serves {server.simple_url}hatch-custom-index/:")
            with urllib.request.urlopen(f"{server.simple_url}hatch-custom-index/") as page:  # noqa: S310
                listed = page.read().decode()
            for name, data in server.files().items():
                mark = "listed" if name in listed else "NOT listed"
                print(f"  {name}  sha256={hashlib.sha256(data).hexdigest()[:16]}…  ({mark})")
            if sys.stdin.isatty():
                print("\nThe index stays up until you press Enter: run the command above again to see both files")
                print("skipped as already there (compared by sha256).")
                input()
            print("\nStopping the index.")
        return code


if __name__ == "__main__":
    sys.exit(main())
